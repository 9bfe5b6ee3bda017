// Command msiendpoint serves, on a loopback port, the one request the azurerm
// provider makes when it plans with `use_msi = true`: a managed identity token
// from the instance metadata endpoint. The token is a JWT whose claims carry
// the all-zero object, tenant and application IDs that the provider reads
// (data.azurerm_client_config) and nothing else; no Azure API accepts it, and
// plans need none. make test-modules runs it for the azurerm rows and points
// ARM_MSI_ENDPOINT at it.
//
//	msiendpoint -url-file /tmp/msi-url   # prints nothing; writes the URL, serves until killed
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// ZeroID is the object, tenant, application and subscription ID of the offline plans.
const ZeroID = "00000000-0000-0000-0000-000000000000"

func main() {
	urlFile := flag.String("url-file", "", "file to write the endpoint's URL to once it listens")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "msiendpoint:", err)
		os.Exit(1)
	}
	url := "http://" + ln.Addr().String() + tokenPath
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "msiendpoint:", err)
			os.Exit(1)
		}
	} else {
		fmt.Println(url)
	}
	fmt.Fprintln(os.Stderr, "msiendpoint:", http.Serve(ln, handler(time.Now)))
	os.Exit(1)
}

// tokenPath is the instance metadata service's token path, which the provider
// appends nothing to: it calls the endpoint it is given with a query.
const tokenPath = "/metadata/identity/oauth2/token"

func handler(now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(tokenPath, func(w http.ResponseWriter, r *http.Request) {
		// As the real endpoint: only requests that say they are metadata requests.
		if r.Header.Get("Metadata") != "true" {
			http.Error(w, "Metadata: true header required", http.StatusBadRequest)
			return
		}
		resource := r.URL.Query().Get("resource")
		if resource == "" {
			http.Error(w, "resource parameter required", http.StatusBadRequest)
			return
		}
		expires := now().Add(time.Hour)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"access_token": token(resource, expires),
			"client_id":    ZeroID,
			"resource":     resource,
			"token_type":   "Bearer",
			"expires_in":   "3600",
			"expires_on":   strconv.FormatInt(expires.Unix(), 10),
		})
	})
	return mux
}

// token is an unsigned-looking JWT (header, claims, a placeholder signature)
// with the claims the azurerm provider parses without verifying.
func token(resource string, expires time.Time) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	header := enc(map[string]string{"alg": "RS256", "typ": "JWT"})
	claims := enc(map[string]any{
		"aud":   resource,
		"iss":   "https://sts.windows.net/" + ZeroID + "/",
		"oid":   ZeroID,
		"tid":   ZeroID,
		"appid": ZeroID,
		"sub":   ZeroID,
		"exp":   expires.Unix(),
	})
	return header + "." + claims + "." + base64.RawURLEncoding.EncodeToString([]byte("offline"))
}
