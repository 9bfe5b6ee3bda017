// Command stsendpoint is a stand-in for AWS STS on a loopback port, answering
// the one call the aws provider makes before it plans: GetCallerIdentity,
// which checks the credentials and gives the account ID. A stack's own
// provider "aws" block cannot be told to skip that call from the environment
// (skip_credentials_validation and skip_requesting_account_id have no
// variable), so make test-modules points AWS_ENDPOINT_URL_STS here, with fake
// static keys, and plans the stack whole with no outbound call. The identity
// is a fixed fake one; nothing else of STS is served.
//
//	stsendpoint -url-file /tmp/sts-url   # writes the URL, serves until killed
package main

import (
	"encoding/xml"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

// The fake identity's account: AWS's documentation account ID.
const (
	Account = "123456789012"
	ARN     = "arn:aws:iam::" + Account + ":user/offline-plan"
	UserID  = "AIDAOFFLINEPLAN00000"
)

func main() {
	urlFile := flag.String("url-file", "", "file to write the endpoint's URL to once it listens")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "stsendpoint:", err)
		os.Exit(1)
	}
	url := "http://" + ln.Addr().String()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "stsendpoint:", err)
			os.Exit(1)
		}
	} else {
		fmt.Println(url)
	}
	fmt.Fprintln(os.Stderr, "stsendpoint:", http.Serve(ln, handler()))
	os.Exit(1)
}

// STS speaks the AWS query protocol: a form-encoded POST naming the Action,
// answered in XML in STS's namespace.
type callerIdentityResponse struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
	Result  struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

type errorResponse struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

const requestID = "00000000-0000-0000-0000-000000000000"

func handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		// As the real service: unsigned requests are refused, so a
		// misconfigured client fails here rather than in a real account.
		if r.Header.Get("Authorization") == "" {
			writeError(w, http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
			return
		}
		if err := r.ParseForm(); err != nil {
			writeError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
			return
		}
		if action := r.Form.Get("Action"); action != "GetCallerIdentity" {
			writeError(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("stsendpoint serves only GetCallerIdentity, not %q", action))
			return
		}
		var resp callerIdentityResponse
		resp.Result.Arn, resp.Result.UserID, resp.Result.Account = ARN, UserID, Account
		resp.RequestID = requestID
		_ = xml.NewEncoder(w).Encode(resp)
	})
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	var resp errorResponse
	resp.Error.Type, resp.Error.Code, resp.Error.Message = "Sender", code, message
	resp.RequestID = requestID
	w.WriteHeader(status)
	_ = xml.NewEncoder(w).Encode(resp)
}
