package alloytest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// TestRoutesAreTheContracts: the fake serves exactly the contract's
// operations (each with its method, path and versions), plus the
// fake-only routes named here.
func TestRoutesAreTheContracts(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var served, fakeOnly []string
	for _, rt := range s.routes {
		if rt.op == "" {
			fakeOnly = append(fakeOnly, rt.key)
			continue
		}
		served = append(served, rt.op)
		o := opByID(rt.op)
		assert.Equal(t, o.Method+" "+o.Path, rt.key, rt.op)
		assert.Equal(t, o.Since, rt.since, rt.op)
		assert.Equal(t, o.Until, rt.until, rt.op)
	}
	var want []string
	for _, o := range ops.Operations {
		want = append(want, o.ID)
	}
	slices.Sort(served)
	slices.Sort(want)
	assert.Equal(t, want, served)
	slices.Sort(fakeOnly)
	assert.Equal(t, []string{"GET /oauth/{app}/authorize", "PUT /alloytest-files/{s3Key}"}, fakeOnly)
}

func opByID(id string) ops.Operation {
	for _, o := range ops.Operations {
		if o.ID == id {
			return o
		}
	}
	panic(id)
}
