package kubeconn

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Error is a connection problem explained for the person running Terraform:
// Summary says what failed, Detail why and what to change.
type Error struct {
	Summary string
	Detail  string
	Err     error
}

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }
func (e *Error) Unwrap() error { return e.Err }

// Explain classifies err, returned by a request to the API server at host, into
// an *Error. Errors it cannot classify keep their text under a general summary;
// an error that is already an *Error is returned as it is.
func Explain(err error, host string) *Error {
	if err == nil {
		return nil
	}
	var known *Error
	if errors.As(err, &known) {
		return known
	}
	wrap := func(summary, detail string) *Error {
		return &Error{Summary: summary, Detail: detail, Err: err}
	}

	var dnsErr *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return wrap("Cannot connect to the Kubernetes API server at "+host,
			fmt.Sprintf("Nothing accepted the connection at %s (connection refused). Check `kubernetes.host` (or KUBE_HOST, "+
				"or the server of the kubeconfig context in use) and that the cluster is running.", host))
	case errors.As(err, &dnsErr):
		return wrap("Cannot resolve the Kubernetes API server's name "+host,
			fmt.Sprintf("The name %q does not resolve (%v). Check `kubernetes.host`; a cluster created in the same apply "+
				"must pass its endpoint output, not a hard-coded name.", dnsErr.Name, dnsErr.Err))
	case errors.As(err, &unknownAuthority), strings.Contains(err.Error(), "certificate signed by unknown authority"):
		return wrap("The Kubernetes API server's certificate is not trusted ("+host+")",
			"The server's TLS certificate is not signed by the CA the provider was given. Set `kubernetes.cluster_ca_certificate` "+
				"to the cluster's CA certificate in PEM form (a GKE/EKS/AKS module outputs it, often base64-encoded: wrap it in base64decode()).")
	case errors.As(err, &hostnameErr), errors.As(err, &invalidCert):
		return wrap("The Kubernetes API server's certificate does not match "+host,
			fmt.Sprintf("TLS verification failed: %v. Use the address the certificate was issued for, or set `kubernetes.tls_server_name`.", err))
	case apierrors.IsUnauthorized(err):
		return wrap("The Kubernetes API server at "+host+" rejected the credentials",
			"The request was not authenticated (401 Unauthorized). Check `kubernetes.token`, `client_certificate`/`client_key` "+
				"or the `exec` plugin: the token may have expired or belong to another cluster.")
	case apierrors.IsForbidden(err):
		return wrap("Not allowed by the Kubernetes API server at "+host,
			fmt.Sprintf("The credentials are valid but lack a permission: %s. Grant the missing RBAC rule, or use an identity with cluster-admin rights.",
				statusMessage(err)))
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return wrap("The Kubernetes API server at "+host+" did not answer in time",
			"The connection timed out. Check `kubernetes.host`, firewalls and authorized networks between this machine and the cluster's API endpoint.")
	case strings.Contains(err.Error(), "getting credentials: exec"):
		return wrap("The Kubernetes credential plugin failed",
			fmt.Sprintf("Running the `exec` plugin failed: %v. Check `kubernetes.exec.command` is installed on this machine and its `args`.", err))
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return wrap("The Kubernetes API server at "+host+" does not speak HTTPS",
			"Use the API server's HTTPS address in `kubernetes.host`.")
	}
	return wrap("Request to the Kubernetes API server at "+host+" failed", err.Error())
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

func statusMessage(err error) string {
	var s apierrors.APIStatus
	if errors.As(err, &s) {
		return s.Status().Message
	}
	return err.Error()
}
