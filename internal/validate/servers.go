package validate

import (
	"fmt"
	"regexp"
	"strings"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// Checks for what users' servers are given: environment variables, volumes,
// containers, the form's free-text fields.

// EnvName checks an environment variable name, e.g. "JUPYTERHUB_SINGLEUSER_APP".
func EnvName(s string) error {
	if errs := k8svalidation.IsEnvVarName(s); len(errs) > 0 {
		return fmt.Errorf("%q is not an environment variable name: use letters, digits, '_', '-' and '.', not starting with a digit, e.g. \"GIT_AUTHOR_NAME\"", s)
	}
	return nil
}

// SecretKey checks the key of a value in a Kubernetes Secret, e.g. "token".
func SecretKey(s string) error {
	if errs := k8svalidation.IsConfigMapKey(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a key of a Secret: %s", s, errs[0])
	}
	return nil
}

// DNSLabel checks the name of a volume or a container, e.g. "shared-data".
func DNSLabel(s string) error {
	if errs := k8svalidation.IsDNS1123Label(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a valid name: lower-case letters, digits and '-', at most 63, e.g. \"shared-data\"", s)
	}
	return nil
}

// URLPath checks a path on the user's server, e.g. "/lab" or "/rstudio".
func URLPath(s string) error {
	if !strings.HasPrefix(s, "/") || strings.ContainsAny(s, " \t\n?#") {
		return fmt.Errorf("%q is not a path on the user's server: start with '/', e.g. \"/lab\", \"/rstudio\" or \"/tree\"", s)
	}
	return nil
}

// Regexp checks a regular expression the server options form checks
// people's input with. KubeSpawner uses Python's re; this accepts the RE2
// syntax common to both (no look-around or back references).
func Regexp(s string) error {
	if _, err := regexp.Compile(s); err != nil {
		return fmt.Errorf("%q is not a regular expression: %v (look-around and back references are not accepted)", s, unwrapRegexp(err))
	}
	return nil
}

func unwrapRegexp(err error) string {
	if e, ok := err.(interface{ Unwrap() error }); ok && e.Unwrap() != nil {
		return e.Unwrap().Error()
	}
	msg := err.Error()
	return strings.TrimPrefix(msg, "error parsing regexp: ")
}
