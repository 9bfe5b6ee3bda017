package hubvalues

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// AttrPath names the attribute that produced a value, as a list of attribute
// names, list indexes and map keys: {"profiles", 1, "memory_limit"},
// {"user_servers", "environment", MapKey("LANG")}.
type AttrPath []any

// MapKey is a step into a map attribute, as opposed to an attribute name.
type MapKey string

func (p AttrPath) String() string {
	var b strings.Builder
	for i, s := range p {
		switch t := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", t)
		case MapKey:
			fmt.Fprintf(&b, "[%q]", string(t))
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, t)
		}
	}
	return b.String()
}

// Source records that the values under Pointer come from Attr.
type Source struct {
	Pointer Pointer
	Attr    AttrPath
}

// Rendered is the outcome of Render.
type Rendered struct {
	// Values are the chart values to install (JSON form).
	Values Values
	// Sources maps places in Values to the attributes that set them.
	Sources []Source
	// Overrides are places where extra_values replaces what a typed
	// attribute or auth wrote, instead of adding to it.
	Overrides []Override
}

// Override is extra_values replacing, at Pointer, what Attr wrote there:
// lists and plain values are replaced by a merge, not merged, so a list-form
// hub.extraEnv in extra_values drops the variables auth wrote.
type Override struct {
	Pointer Pointer
	Attr    AttrPath
	// Replaces says what is replaced: "list", "map" or "value".
	Replaces string
}

// AttrFor returns the attribute that produced the value at p: the source with
// the longest pointer containing p; failing that, a source below p (an issue
// about a whole object, such as an unknown key, is about what was written
// inside it). Nil means no attribute set it: it is a chart default.
func (r *Rendered) AttrFor(p Pointer) AttrPath {
	var best Source
	for _, s := range r.Sources {
		if p.within(s.Pointer) && len(s.Pointer) >= len(best.Pointer) {
			best = s
		}
	}
	if best.Attr != nil {
		return best.Attr
	}
	for _, s := range r.Sources {
		if s.Pointer.within(p) {
			return s.Attr
		}
	}
	return nil
}

type builder struct {
	values  Values
	sources []Source
}

// set stores value at keys and records attr as its source.
func (b *builder) set(attr AttrPath, value any, keys ...string) {
	m := b.values
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = value
	ptr := make([]any, len(keys))
	for i, k := range keys {
		ptr[i] = k
	}
	b.source(attr, ptr...)
}

func (b *builder) source(attr AttrPath, ptr ...any) {
	b.sources = append(b.sources, Source{Pointer: PointerOf(ptr...), Attr: attr})
}

// feature is one concern of a hub's settings, in a file of its own: how it
// renders, how it is read back and how it is checked. Features write disjoint
// parts of the values. Any function may be nil.
type feature struct {
	render func(h *Hub, b *builder)
	// parse fills h's fields for this feature from v where v has the shape
	// render produces; Parse keeps the result only if rendering it again
	// reproduces what v has.
	parse func(v Values, h *Hub)
	// checkFields checks each setting on its own, as the provider's attribute
	// validators do, for values that were unknown at plan.
	checkFields func(h Hub, ps *problems)
	// check finds settings that are fine alone but do not work together.
	check func(h Hub, ps *problems)
}

// features is every concern, in the order values are rendered and problems
// reported. Adding a typed setting adds to one of them (or a new one here).
var features = []feature{
	{render: renderImage, parse: parseImage, checkFields: checkImageFields},
	{render: renderExposure, parse: parseExposure, checkFields: checkExposureFields, check: checkExposure},
	{render: renderProxyServiceType, parse: parseProxyServiceType},
	{render: renderProfiles, parse: parseProfiles, checkFields: checkProfileFields, check: checkProfiles},
	{checkFields: checkProfileServerFields, check: checkProfileServers},
	{render: renderStorage, parse: parseStorage, checkFields: checkStorageFields, check: checkStorage},
	{render: renderVolumes, parse: parseVolumes, checkFields: checkVolumeFields, check: checkVolumes},
	{render: renderServerBasics, parse: parseServerBasics, checkFields: checkServerFields, check: checkServers},
	{render: renderServerEnv, parse: parseServerEnv},
	{render: renderInitContainers, parse: parseInitContainers},
	{render: renderLifecycleHooks, parse: parseLifecycleHooks},
	{render: renderCulling, parse: parseCulling, checkFields: checkCullingFields},
	{render: renderUsers, parse: parseUsers, checkFields: checkUserFields},
	{render: renderNodePurpose, parse: parseNodePurpose},
	{render: renderLimits, parse: parseLimits, checkFields: checkLimitFields, check: checkLimits},
	{render: renderUserServiceAccount, parse: parseUserServiceAccount, checkFields: checkUserServiceAccountFields, check: checkUserServiceAccount},
	{check: checkAuth},
	{render: renderProxyService, parse: parseProxyService, checkFields: checkProxyServiceFields, check: checkProxyService},
	{render: renderPullSecrets, parse: parsePullSecrets, checkFields: checkPullSecretsFields},
	{render: renderBranding, parse: parseBranding, checkFields: checkBrandingFields, check: checkBranding},
	{render: renderSecretValues, parse: parseSecretValues, checkFields: checkSecretValuesFields, check: checkSecretValues},
	{render: renderNetworkPolicy, parse: parseNetworkPolicy, check: checkSecurity},
	{render: renderCloudMetadata, parse: parseCloudMetadata},
	{render: renderCostLabels, parse: parseCostLabels, checkFields: checkCostLabelFields, check: checkCostLabels},
}

// ownedParts are values the provider always sets, whatever the settings:
// they protect community data or give the provider what it needs (the
// activity service), and are left out of drift checks (see DriftDigest), each
// part on its own, so that a hub installed without them imports cleanly.
func ownedParts() []Values {
	// Keep the hub database's PVC when the release is uninstalled.
	keepDB := Values{"hub": map[string]any{"db": map[string]any{"pvc": map[string]any{
		"annotations": map[string]any{"helm.sh/resource-policy": "keep"},
	}}}}
	return []Values{keepDB, activityService()}
}

// owned is every owned part in one tree.
func owned() Values {
	v := Values{}
	for _, p := range ownedParts() {
		DeepMerge(v, p)
	}
	return v
}

// subtractOwned takes out of v each owned part v holds exactly.
func subtractOwned(v Values) {
	for _, p := range ownedParts() {
		if covers(v, p) {
			subtract(v, p)
		}
	}
}

// Render turns h into chart values. Validation of h is the caller's job (the
// provider's validators); Render fails only on settings it cannot express.
func Render(h Hub) (*Rendered, error) {
	b := &builder{values: Values{}}
	for _, f := range features {
		if f.render != nil {
			f.render(&h, b)
		}
	}
	DeepMerge(b.values, owned())
	if len(h.Auth) > 0 {
		auth, err := NormalizeValues(h.Auth)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		DeepMerge(b.values, auth)
		for _, p := range leafPointers(auth, nil) {
			b.sources = append(b.sources, Source{Pointer: p, Attr: AttrPath{"auth"}})
		}
		// The identity provider sends people back to the hub's own domain.
		for _, class := range callbackClasses(auth, h.Domain) {
			b.set(AttrPath{"domain"}, CallbackURL(h.Domain), "hub", "config", class, "oauth_callback_url")
		}
	}
	var overrides []Override
	if len(h.ExtraValues) > 0 {
		extra, err := NormalizeValues(h.ExtraValues)
		if err != nil {
			return nil, fmt.Errorf("extra_values: %w", err)
		}
		base, err := NormalizeValues(b.values)
		if err != nil {
			return nil, err
		}
		overrides = findOverrides(base, extra, nil, &Rendered{Sources: b.sources})
		DeepMerge(b.values, extra)
		for _, p := range leafPointers(extra, nil) {
			b.sources = append(b.sources, Source{Pointer: p, Attr: AttrPath{"extra_values"}})
		}
	}
	values, err := NormalizeValues(b.values)
	if err != nil {
		return nil, err
	}
	return &Rendered{Values: values, Sources: b.sources, Overrides: overrides}, nil
}

// findOverrides walks extra over base and reports every place where extra
// replaces, rather than merges with, something a typed attribute or auth
// wrote. Setting the same value again is not an override.
func findOverrides(base, extra Values, at []any, written *Rendered) []Override {
	var out []Override
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev := extra[k]
		bv, ok := base[k]
		if !ok {
			continue
		}
		here := append(append([]any{}, at...), k)
		em, eIsMap := ev.(map[string]any)
		bm, bIsMap := bv.(map[string]any)
		if eIsMap && bIsMap {
			out = append(out, findOverrides(bm, em, here, written)...)
			continue
		}
		if reflect.DeepEqual(ev, bv) {
			continue
		}
		p := PointerOf(here...)
		attr := written.AttrFor(p)
		if len(attr) == 0 {
			continue // a provider-owned value, not an attribute's
		}
		replaces := "value"
		switch bv.(type) {
		case []any:
			replaces = "list"
		case map[string]any:
			replaces = "map"
		}
		out = append(out, Override{Pointer: p, Attr: attr, Replaces: replaces})
	}
	return out
}

// DriftDigest is the checksum used to tell whether deployed values differ from
// what the settings render: the values without the provider-owned keys.
func DriftDigest(v Values) string {
	c, _ := NormalizeValues(v)
	c = deepCopy(c).(map[string]any)
	subtractOwned(c)
	return Checksum(c)
}

func leafPointers(v Values, prefix []any) []Pointer {
	var out []Pointer
	for k, e := range v {
		p := append(append([]any{}, prefix...), k)
		if m, ok := e.(map[string]any); ok && len(m) > 0 {
			out = append(out, leafPointers(m, p)...)
			continue
		}
		out = append(out, PointerOf(p...))
	}
	return out
}
