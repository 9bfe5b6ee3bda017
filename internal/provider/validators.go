package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// hostValidator accepts what kubectl accepts as a server: https://host[:port],
// http://host[:port] or a bare host[:port].
type hostValidator struct{}

func (hostValidator) Description(context.Context) string {
	return "must be a URL such as https://203.0.113.10 or https://cluster.example.org:6443"
}
func (v hostValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v hostValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	h := req.ConfigValue.ValueString()
	raw := h
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		addAttrError(&resp.Diagnostics, req.Path, "Invalid Kubernetes host",
			fmt.Sprintf("%q %s.", h, v.Description(ctx)))
	}
}

// pemValidator checks that a certificate or key attribute holds PEM, and
// recognises the common mistake of passing a cloud module's base64 output.
type pemValidator struct{}

func (pemValidator) Description(context.Context) string { return "must be PEM-encoded" }
func (v pemValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v pemValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if block, _ := pem.Decode([]byte(s)); block != nil {
		return
	}
	detail := "The value is not PEM (it should start with a line like \"-----BEGIN CERTIFICATE-----\")."
	if decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err == nil {
		if block, _ := pem.Decode(decoded); block != nil {
			detail = "The value is base64-encoded PEM, as cloud modules output it. Wrap it in base64decode(...)."
		}
	}
	addAttrError(&resp.Diagnostics, req.Path, "Invalid PEM value", detail)
}

// semverConstraintValidator checks a Helm-style version constraint such as ">=1.28.0-0".
type semverConstraintValidator struct{}

func (semverConstraintValidator) Description(context.Context) string {
	return "must be a version constraint such as \">=1.28.0-0\""
}
func (v semverConstraintValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v semverConstraintValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := semver.NewConstraint(req.ConfigValue.ValueString()); err != nil {
		addAttrError(&resp.Diagnostics, req.Path, "Invalid version constraint",
			fmt.Sprintf("%q %s: %v.", req.ConfigValue.ValueString(), v.Description(ctx), err))
	}
}

// stringCheck adapts a check from internal/validate into an attribute validator.
type stringCheck struct {
	check func(string) error
}

func checkString(check func(string) error) validator.String { return stringCheck{check: check} }

func (v stringCheck) Description(context.Context) string             { return "must be valid" }
func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		addAttrError(&resp.Diagnostics, req.Path, "Invalid value", err.Error())
	}
}

// yamlMappingValidator checks extra_values parses to a mapping of chart values.
type yamlMappingValidator struct{}

func (yamlMappingValidator) Description(context.Context) string {
	return "must be a YAML or JSON mapping of chart values"
}
func (v yamlMappingValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v yamlMappingValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseValuesYAML(req.ConfigValue.ValueString()); err != nil {
		addAttrError(&resp.Diagnostics, req.Path, "Invalid extra_values",
			fmt.Sprintf("extra_values %s. Write it like a values.yaml file, or with yamlencode({ singleuser = { ... } }).", err))
	}
}

// jsonObjectValidator checks a string holds a JSON object.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string { return "must be a JSON object" }
func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &m); err != nil {
		addAttrError(&resp.Diagnostics, req.Path, "Invalid auth",
			fmt.Sprintf("Expected a twoi2chub_auth's hub_config (a JSON object), e.g. auth = twoi2chub_auth.github.hub_config: %v", err))
	}
}

// removedBool fails a configuration that still sets an attribute whose
// setting moved elsewhere, saying what to write instead for each value.
type removedBool struct{ insteadOfTrue, insteadOfFalse string }

func (v removedBool) Description(context.Context) string {
	return "replaced: " + v.insteadOfTrue
}
func (v removedBool) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v removedBool) ValidateBool(_ context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	instead := v.insteadOfTrue
	if !req.ConfigValue.IsUnknown() && !req.ConfigValue.ValueBool() {
		instead = v.insteadOfFalse
	}
	addAttrError(&resp.Diagnostics, req.Path, "Setting moved", instead)
}
