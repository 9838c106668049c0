package main

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alloysdk/alloy-go/alloytest"
)

// faultSyntax documents parseFaults, for alloy mock --help.
const faultSyntax = `
--faults takes rules separated by ";", tried in order (the first that
matches a request applies):

  [METHOD] PATH=FAULT[xTIMES][@RATE]

  METHOD  GET, POST, PUT, PATCH, DELETE, ...; omitted: any method
  PATH    the request path without the version prefix, with * matching one
          segment (/users/*, /users/*/token); * alone: any path
  FAULT   items joined by ":":
            503                a status (400-599) with a {"message"} body
            drop               close the connection without an answer
            truncate           send half the real body, then close
            malformed          200 with a body that is not JSON
            oversize=BYTES     200 with a JSON body of BYTES bytes
            latency=DURATION   answer (or fail) this much later, e.g. 2s
            retry-after=SECS   with a status: the Retry-After header
            content-type=TYPE  send under this Content-Type
            after              let the request take effect first, then fail
  xTIMES  only the next TIMES matching requests; default every one
  @RATE   each matching request with probability RATE (0 to 1); default 1

  "GET /users/*=503x2"             the next two reads of a user get 503
  "*=drop@0.03"                    3% of all requests: connection dropped
  "POST /users=429:retry-after=1"  every create: 429, retry after 1s
  "POST /users=503:after"          the user is created, the answer is 503
  "GET /users=latency=3s"          user lists take 3 seconds
`

var methods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true}

// suffix matches the optional xTIMES and @RATE at the end of a rule.
var suffix = regexp.MustCompile(`(?:x([0-9]+))?(?:@([0-9.]+))?$`)

// parseFaults parses a --faults spec (see faultSyntax) into rules.
func parseFaults(spec string) ([]alloytest.FaultRule, error) {
	var rules []alloytest.FaultRule
	for i, raw := range strings.Split(spec, ";") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		r, err := parseFaultRule(raw)
		if err != nil {
			return nil, fmt.Errorf("fault rule %d %q: %v", i+1, raw, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func parseFaultRule(raw string) (alloytest.FaultRule, error) {
	var r alloytest.FaultRule
	match, fault, ok := strings.Cut(raw, "=")
	if !ok {
		return r, fmt.Errorf(`want [METHOD] PATH=FAULT, e.g. "GET /users/*=503"`)
	}
	fields := strings.Fields(match)
	switch len(fields) {
	case 1:
		r.Path = fields[0]
	case 2:
		r.Method, r.Path = strings.ToUpper(fields[0]), fields[1]
		if !methods[r.Method] {
			return r, fmt.Errorf("%q is not an HTTP method", fields[0])
		}
	default:
		return r, fmt.Errorf(`want [METHOD] PATH before "=", e.g. "GET /users/*"`)
	}
	switch {
	case r.Path == "*":
		r.Path = ""
	case !strings.HasPrefix(r.Path, "/"):
		return r, fmt.Errorf("path %q must start with / (or be * for any path)", r.Path)
	default:
		if _, err := path.Match(r.Path, r.Path); err != nil {
			return r, fmt.Errorf("path %q is not a valid pattern", r.Path)
		}
	}
	fault = strings.TrimSpace(fault)
	m := suffix.FindStringSubmatchIndex(fault)
	items := strings.TrimSpace(fault[:m[0]])
	if m[2] >= 0 {
		n, err := strconv.Atoi(fault[m[2]:m[3]])
		if err != nil || n < 1 {
			return r, fmt.Errorf("x%s: times must be a whole number from 1", fault[m[2]:m[3]])
		}
		r.Times = n
	}
	if m[4] >= 0 {
		rate, err := strconv.ParseFloat(fault[m[4]:m[5]], 64)
		if err != nil || rate <= 0 || rate > 1 {
			return r, fmt.Errorf("@%s: rate must be a number above 0, at most 1", fault[m[4]:m[5]])
		}
		r.Rate = rate
	}
	f, err := parseFault(items)
	r.Fault = f
	return r, err
}

// parseFault parses the ":"-joined items of a fault.
func parseFault(items string) (alloytest.Fault, error) {
	var f alloytest.Fault
	if items == "" {
		return f, fmt.Errorf("no fault after =")
	}
	kinds := 0 // status, drop, truncate, malformed, oversize: at most one
	for _, item := range strings.Split(items, ":") {
		item = strings.TrimSpace(item)
		key, value, hasValue := strings.Cut(item, "=")
		if !hasValue {
			if n, err := strconv.Atoi(key); err == nil {
				if n < 400 || n > 599 {
					return f, fmt.Errorf("status %d is not between 400 and 599", n)
				}
				f.Status, kinds = n, kinds+1
				continue
			}
		}
		var err error
		switch key {
		case "drop":
			f.Drop, kinds = true, kinds+1
		case "truncate":
			f.Truncate, kinds = true, kinds+1
		case "malformed":
			f.Malformed, kinds = true, kinds+1
		case "after":
			f.AfterHandler = true
		case "oversize":
			f.Oversize, err = strconv.ParseInt(value, 10, 64)
			if err != nil || f.Oversize < 1 {
				return f, fmt.Errorf("oversize=%s: want a number of bytes", value)
			}
			kinds++
		case "latency":
			f.Latency, err = time.ParseDuration(value)
			if err != nil || f.Latency <= 0 {
				return f, fmt.Errorf("latency=%s: want a duration such as 500ms", value)
			}
		case "retry-after":
			if n, err := strconv.Atoi(value); err != nil || n < 0 {
				return f, fmt.Errorf("retry-after=%s: want whole seconds", value)
			}
			f.RetryAfter = value
		case "content-type":
			if value == "" {
				return f, fmt.Errorf("content-type= needs a type, e.g. text/html")
			}
			f.ContentType = value
		default:
			return f, fmt.Errorf("unknown fault %q (want a status, drop, truncate, malformed, oversize=, latency=, retry-after=, content-type= or after)", item)
		}
		if hasValue && (key == "drop" || key == "truncate" || key == "malformed" || key == "after") {
			return f, fmt.Errorf("%s takes no value", key)
		}
	}
	switch {
	case kinds > 1:
		return f, fmt.Errorf("give one of a status, drop, truncate, malformed and oversize")
	case f.RetryAfter != "" && f.Status == 0:
		return f, fmt.Errorf("retry-after needs a status, e.g. 429:retry-after=1")
	case kinds == 0 && f.Latency == 0 && f.ContentType == "":
		return f, fmt.Errorf("%q does nothing: add a status, drop, truncate, malformed, oversize= or latency=", items)
	}
	return f, nil
}

// describeRule is a rule as alloy mock reports it.
func describeRule(r alloytest.FaultRule) string {
	method, p := r.Method, r.Path
	if method == "" {
		method = "*"
	}
	if p == "" {
		p = "*"
	}
	s := fmt.Sprintf("%s %s: %s", method, p, describeFault(r.Fault))
	if r.Times > 0 {
		s += fmt.Sprintf(", next %d", r.Times)
	}
	if r.Rate > 0 && r.Rate < 1 {
		s += fmt.Sprintf(", %g%% of requests", r.Rate*100)
	}
	return s
}

func describeFault(f alloytest.Fault) string {
	var parts []string
	add := func(ok bool, s string) {
		if ok {
			parts = append(parts, s)
		}
	}
	add(f.Status != 0, "status "+strconv.Itoa(f.Status))
	add(f.RetryAfter != "", "Retry-After "+f.RetryAfter)
	add(f.Drop, "drop the connection")
	add(f.Truncate, "truncate the body")
	add(f.Malformed, "malformed JSON")
	add(f.Oversize > 0, fmt.Sprintf("%d-byte body", f.Oversize))
	add(f.Latency > 0, "latency "+f.Latency.String())
	add(f.ContentType != "", "Content-Type "+f.ContentType)
	add(f.AfterHandler, "after the request took effect")
	return strings.Join(parts, ", ")
}
