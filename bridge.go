package alloy

import (
	"context"

	"github.com/alloysdk/alloy-go/internal/bridge"
)

// init opens the pipeline to the SDK's own sub-packages (unified), so that
// they share auth, retries, errors and logging with the root client.
func init() {
	bridge.Send = func(ctx context.Context, client any, k bridge.Call, opts any) error {
		c, ok := client.(*Client)
		if !ok || c == nil {
			return invalidArg("unified", "client is nil")
		}
		ro, _ := opts.([]RequestOption)
		var raw rawResponse
		kc := call{op: k.Op, method: k.Method, route: k.Route, path: k.Path, query: k.Query, body: k.Body, out: k.Out}
		if k.Raw != nil {
			kc.raw = &raw
		}
		if err := c.send(ctx, kc, ro); err != nil {
			return err
		}
		if k.Raw != nil {
			k.Raw.Status, k.Raw.Body = raw.status, raw.body
		}
		return nil
	}
}
