package unified

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzModels: whatever a server sends, decoding a record never panics, and
// a record that decoded encodes again as valid JSON (what a read-then-update
// sends).
func FuzzModels(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "pages", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"totalPrice":1e400,"weight":[{"value":"x"}],"issueDate":-1e300,"billNumber":true,"lineItems":[{"price":{}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []any{
			new(Customer), new(Order), new(Product), new(Variant), new(Fulfillment), new(CompanyInfo), new(Account),
			new(AccountingCustomer), new(Vendor), new(TaxRate), new(TrackingCategory), new(Item), new(PurchaseOrder),
			new(Bill), new(Invoice), new(Payment), new(SalesOrder), new(CRMAccount), new(Contact), new(Lead), new(Note),
			new(Task), new(Opportunity), new(CRMUser),
		} {
			if json.Unmarshal(b, v) != nil {
				continue
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%T decoded from %q does not encode: %v", v, b, err)
			}
			if !json.Valid(out) {
				t.Fatalf("%T encodes to invalid JSON %q", v, out)
			}
		}
	})
}
