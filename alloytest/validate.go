package alloytest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/alloysdk/alloy-go/internal/contract"
)

// invalid checks a request against the contract of its API version, as
// Alloy checks what it receives, and says what is wrong with it ("" when
// nothing is). Fake-only routes are not checked, nor a body over the
// fake's cap, which its handler answers with 413.
func (s *Server) invalid(r *http.Request, x *exchange) string {
	if !s.cfg.validate || x.route == nil || x.route.op == "" || len(x.body) > maxBody {
		return ""
	}
	spec, err := contract.Load(x.version, false)
	if err != nil {
		return "" // the embedded contract is tested to load; never here
	}
	r2 := r.Clone(r.Context())
	u := *r.URL
	u.Path, u.RawPath = unversionedPath(r.URL.Path), ""
	// A parameter's documented alternative name stands for it, as Alloy's
	// own SDK sends it (connectionId for credentialId on 2024-03).
	if alts := spec.Alternatives(x.route.op); len(alts) > 0 {
		q := u.Query()
		for name, alt := range alts {
			if !q.Has(name) && q.Has(alt) {
				q.Set(name, q.Get(alt))
			}
		}
		u.RawQuery = q.Encode()
	}
	r2.URL = &u
	if len(x.body) > 0 && r2.Header.Get("Content-Type") == "" {
		// Read as JSON, as the handlers read it: the reference does not
		// say Alloy refuses a JSON body without the header.
		r2.Header.Set("Content-Type", "application/json")
	}
	if err := spec.ValidateRequest(r.Context(), x.route.op, x.params, r2, x.body); err != nil {
		return "Invalid request: " + describe(err)
	}
	return ""
}

// describe words a validation error in one line: where and why, without
// the schema dump or the value (a value may be a secret).
func describe(err error) string {
	if re, ok := err.(*openapi3filter.RequestError); ok {
		where := "request body"
		if re.Parameter != nil {
			where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
		}
		var pe *openapi3filter.ParseError
		switch {
		case errors.As(re.Err, &pe) && re.Parameter == nil:
			return where + " is not valid JSON"
		case re.Err != nil:
			return where + ": " + describe(re.Err)
		}
		return where + ": " + re.Reason
	}
	if me, ok := err.(openapi3.MultiError); ok {
		var parts []string
		for i, e := range me {
			if i == 3 {
				parts = append(parts, fmt.Sprintf("and %d more", len(me)-3))
				break
			}
			parts = append(parts, describe(e))
		}
		return strings.Join(parts, "; ")
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if se.Origin != nil && (se.SchemaField == "allOf" || se.SchemaField == "anyOf") {
			return describe(se.Origin) // the part of allOf that failed, not that one did
		}
		if p := se.JSONPointer(); len(p) > 0 {
			return "at /" + strings.Join(p, "/") + ": " + se.Reason
		}
		return se.Reason
	}
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) {
		if pe.Reason != "" {
			return pe.Reason
		}
		return "not valid"
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		return describe(me)
	}
	return err.Error()
}
