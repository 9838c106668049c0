package alloytest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
)

// The routing table: every operation of the contract, answered by the
// handler its resource file registers under the operationId, and the
// fake-only routes. Matching a request against the table, authentication
// and the request check are in server.go.

// handlers are the fake's answers, by the contract's operationId, gathered
// from the files that hold them (one per resource). Every operation of the
// contract has one.
func (s *Server) handlers() map[string]handler {
	h := map[string]handler{}
	for _, m := range []map[string]handler{
		s.usersHandlers(), s.credentialHandlers(), s.integrationHandlers(), s.workflowHandlers(),
		s.eventHandlers(), s.logHandlers(), s.installationHandlers(), s.analyticsHandlers(),
		s.passthroughHandlers(), s.connectorHandlers(), s.fileHandlers(), s.unifiedServiceHandlers(),
	} {
		for id, hf := range m {
			h[id] = hf
		}
	}
	for i := range collections {
		for id, hf := range s.collectionHandlers(&collections[i]) {
			h[id] = hf
		}
	}
	return h
}

// fakeOnlyRoutes are served by the fake and by no Alloy API: the pages a
// browser visits to stand for the user approving an OAuth link, and the
// storage host that presigned upload URLs point to (files.go).
func (s *Server) fakeOnlyRoutes() []route {
	return []route{
		{key: "GET /oauth/{app}/authorize", method: http.MethodGet, segs: splitPath("/oauth/{app}/authorize"), handle: s.authorize, public: true},
		{key: "PUT " + uploadPath + "{s3Key}", method: http.MethodPut, segs: splitPath(uploadPath + "{s3Key}"), handle: s.upload, public: true},
	}
}

// buildRoutes makes the route table from the contract: every operation,
// with its method, path and version range, answered by its handler.
func (s *Server) buildRoutes() []route {
	handlers := s.handlers()
	var routes []route
	for _, o := range ops.Operations {
		h, ok := handlers[o.ID]
		if !ok {
			panic("alloytest: no handler for the contract's operation " + o.ID)
		}
		delete(handlers, o.ID)
		routes = append(routes, route{op: o.ID, key: o.Method + " " + o.Path, method: o.Method, segs: splitPath(o.Path),
			handle: h, since: o.Since, until: o.Until})
	}
	if len(handlers) > 0 {
		panic(fmt.Sprintf("alloytest: handlers for operations the contract lacks: %v", slices.Sorted(maps.Keys(handlers))))
	}
	routes = append(routes, s.fakeOnlyRoutes()...)
	// A literal segment wins over a parameter: /one/crm/users/count is a
	// count, not the user "count"; /workflows/activate is not a workflow.
	sort.SliceStable(routes, func(i, j int) bool { return matchOrder(routes[i].segs) < matchOrder(routes[j].segs) })
	return routes
}

// matchOrder is a sort key under which, at the first segment where two
// routes differ in kind, the literal one comes first.
func matchOrder(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		if strings.HasPrefix(s, "{") {
			b.WriteString("\x01/")
		} else {
			b.WriteString("\x00" + s + "/")
		}
	}
	return b.String()
}
