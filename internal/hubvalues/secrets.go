package hubvalues

import (
	"net/url"
	"sort"
	"strings"
)

// Secrets in chart values. Import and refresh read a release's values back
// into extra_values, which lands in HCL and state; values that hold secrets
// must never go there. They are found by where they are (the chart's known
// secret settings) and by what their keys are called.

// knownSecretPaths are z2jh settings that hold secrets whatever their name
// says ("*" matches any one key).
var knownSecretPaths = [][]string{
	{"hub", "db", "password"},
	{"hub", "db", "url"}, // may carry user:password@
	{"hub", "cookieSecret"},
	{"hub", "config", "CryptKeeper", "keys"},
	{"hub", "config", "JupyterHub", "cookie_secret"},
	{"hub", "config", "ConfigurableHTTPProxy", "auth_token"},
	{"hub", "services", "*", "apiToken"},
	{"hub", "services", "*", "api_token"},
	{"proxy", "secretToken"},
	{"imagePullSecret", "password"},
	{"singleuser", "imagePullSecret", "password"},
}

// secretWords are parts of key names that mark a secret (compared lower
// case, without '_' and '-'): client_secret, apiToken, PASSWORD, private_key...
var secretWords = []string{"secret", "password", "passwd", "token", "apikey", "privatekey", "accesskey", "credential"}

// notSecretSuffixes end key names that contain a secret word but name, point
// to or describe one rather than hold it: secretName, existingSecret,
// token_url, tokenExpiry, secretKeyRef...
var notSecretSuffixes = []string{"name", "names", "file", "path", "url", "uri", "endpoint", "ref", "enabled", "type", "mode",
	"policy", "header", "length", "ttl", "expiry", "expiresin", "seconds", "claim", "scope", "scopes", "mountpath", "create", "injection", "method", "params", "style"}

// SecretKey reports whether a key's name says its value is a secret.
func SecretKey(key string) bool {
	k := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(key))
	if strings.HasPrefix(k, "existing") {
		return false
	}
	for _, s := range notSecretSuffixes {
		if strings.HasSuffix(k, s) {
			return false
		}
	}
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// secretValue reports whether a leaf value could be a secret worth hiding:
// a non-empty string or number, or a list of them. Booleans and empty values
// say nothing.
func secretValue(v any) bool {
	switch t := v.(type) {
	case string:
		return t != ""
	case float64, int, int64:
		return true
	case []any:
		for _, e := range t {
			if secretValue(e) {
				return true
			}
		}
	}
	return false
}

// urlWithPassword reports a URL carrying a password (postgres://u:p@host).
func urlWithPassword(v any) bool {
	s, ok := v.(string)
	if !ok || !strings.Contains(s, "://") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	_, has := u.User.Password()
	return has
}

// WithoutSecrets returns a copy of v without the values that hold secrets,
// and where they were. An environment variable in list form ({name, value})
// whose name looks secret is removed whole.
func WithoutSecrets(v Values) (Values, []Pointer) {
	c, _ := deepCopy(v).(map[string]any)
	var found []Pointer
	strip(c, nil, &found)
	sort.Slice(found, func(i, j int) bool { return found[i] < found[j] })
	return c, found
}

// SecretPointers lists where v holds secrets.
func SecretPointers(v Values) []Pointer {
	_, found := WithoutSecrets(v)
	return found
}

func strip(m map[string]any, at []string, found *[]Pointer) {
	for k, e := range m {
		here := append(append([]string{}, at...), k)
		switch t := e.(type) {
		case map[string]any:
			strip(t, here, found)
			if len(t) == 0 {
				delete(m, k)
			}
			continue
		case []any:
			if kept, dropped := stripEnvList(t, here); len(dropped) > 0 {
				*found = append(*found, dropped...)
				m[k] = kept
				continue
			}
		}
		if (knownSecretPath(here) || SecretKey(k)) && secretValue(e) || urlWithPassword(e) {
			*found = append(*found, pointerOf(here))
			delete(m, k)
		}
	}
}

// stripEnvList drops {name: SECRET_LOOKING, value: "..."} entries of a
// Kubernetes-style environment list.
func stripEnvList(list []any, at []string) ([]any, []Pointer) {
	var kept []any
	var dropped []Pointer
	for i, e := range list {
		entry, ok := e.(map[string]any)
		name, named := entry["name"].(string)
		if ok && named && SecretKey(name) && secretValue(entry["value"]) {
			p := append(append([]any{}, toAny(at)...), i)
			dropped = append(dropped, PointerOf(p...))
			continue
		}
		kept = append(kept, e)
	}
	if kept == nil {
		kept = []any{}
	}
	return kept, dropped
}

func knownSecretPath(p []string) bool {
	for _, known := range knownSecretPaths {
		if len(known) != len(p) {
			continue
		}
		match := true
		for i := range known {
			if known[i] != "*" && known[i] != p[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func pointerOf(keys []string) Pointer { return PointerOf(toAny(keys)...) }

func toAny(keys []string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// Dotted writes a pointer the way z2jh documents settings: hub.db.password,
// singleuser.profileList[0].slug.
func (p Pointer) Dotted() string {
	var b strings.Builder
	for _, part := range strings.Split(strings.TrimPrefix(string(p), "/"), "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		if isIndex(part) {
			b.WriteString("[" + part + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// DottedList joins pointers as Dotted, for messages.
func DottedList(ps []Pointer) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Dotted()
	}
	return strings.Join(out, ", ")
}
