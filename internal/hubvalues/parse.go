package hubvalues

// Parse reads chart values back into typed settings. Every part of values that
// a typed setting covers exactly is taken out; the rest is returned in
// h.ExtraValues, so that Render(h) gives values back (plus the provider-owned
// keys, see owned), except secrets: values that hold them (see WithoutSecrets)
// are left out of h.ExtraValues and returned as omitted, since ExtraValues
// goes into HCL and Terraform state. This is how an existing release is
// imported and how drift is shown as typed attributes.
func Parse(values Values) (h Hub, omitted []Pointer, err error) { return ParseWith(values, nil) }

// ParseWith is Parse for a hub whose auth fragment is known (from state): the
// fragment is taken out first when the values still hold it, and kept in
// h.Auth, so that it neither reads as typed settings nor as extra values.
func ParseWith(values Values, auth Values) (h Hub, omitted []Pointer, err error) {
	v, err := NormalizeValues(values)
	if err != nil {
		return Hub{}, nil, err
	}
	if len(auth) > 0 {
		a, err := NormalizeValues(auth)
		if err != nil {
			return Hub{}, nil, err
		}
		if covers(v, a) {
			v = deepCopy(v).(map[string]any)
			subtract(v, a)
			h.Auth = a
		}
	}
	residual := deepCopy(v).(map[string]any)
	for _, f := range features {
		if f.parse == nil {
			continue
		}
		candidate := h
		f.parse(v, &candidate)
		b := &builder{values: Values{}}
		f.render(&candidate, b)
		out, err := NormalizeValues(b.values)
		if err != nil || len(out) == 0 {
			continue
		}
		// Keep the reading only if it renders back to exactly what is there.
		if covers(v, out) {
			h = candidate
			subtract(residual, out)
		}
	}
	subtractOwned(residual)
	// Callback URLs the hub's domain filled into its auth.
	for _, class := range callbackClasses(h.Auth, h.Domain) {
		derived := Values{"hub": map[string]any{"config": map[string]any{class: map[string]any{"oauth_callback_url": CallbackURL(h.Domain)}}}}
		if covers(residual, derived) {
			subtract(residual, derived)
		}
	}
	residual, omitted = WithoutSecrets(residual)
	if len(residual) > 0 {
		h.ExtraValues = residual
	}
	return h, omitted, nil
}
