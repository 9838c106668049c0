package contract

import (
	"testing"

	"github.com/alloysdk/alloy-go/internal/contract/ops"
	"github.com/stretchr/testify/require"
)

func TestEveryVersionLoads(t *testing.T) {
	for _, v := range append(ops.Versions, "2099-01") {
		for _, strict := range []bool{false, true} {
			_, err := Load(v, strict)
			require.NoError(t, err, "%s strict=%v", v, strict)
		}
	}
}
