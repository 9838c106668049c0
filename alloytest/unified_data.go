package alloytest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Connect connects a user (id or username) to a Unified API app, as the
// user finishing Alloy's connect modal would, and returns the connection's
// id: the connectionId (or credentialId) of /one/ calls. The connection is
// a credential of app for the user, so Credentials.List shows it, and
// starts with a small sample of the records of the app's category:
//
//   - commerce: customers cus_1001..cus_1003; products prd_1001..prd_1003
//     with two variants each (var_1001..var_1006); orders ord_1001
//     (fulfilled, with fulfillment ful_1001) and ord_1002;
//   - accounting: company info, accounts, customers, vendors, items, tax
//     rates, tracking categories, invoices, bills, payments, a purchase
//     order and a sales order;
//   - crm: accounts, contacts, leads, opportunities, notes, tasks and users.
//
// Records lists them; Clear removes them. The app must have a Category.
func (s *Server) Connect(userID, app string) (connectionID string, err error) {
	a := s.app(app)
	switch {
	case a == nil:
		return "", fmt.Errorf("alloytest: no app %q", app)
	case a.Category == "":
		return "", fmt.Errorf("alloytest: app %q has no Unified API category", app)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.st.find(userID)
	if u == nil {
		return "", fmt.Errorf("alloytest: no user %q", userID)
	}
	return s.st.addCredential(u.ID, a, map[string]any{}).ID, nil
}

// Seed adds records to a collection of a connection, after those it
// holds, so that a test can load, say, a thousand customers. collection is
// the path after /one/, e.g. "commerce/customers"; a sub-collection is
// named either with the parent's id in place
// ("commerce/products/prd_1001/variants") or as its template
// ("commerce/products/{productId}/variants"), each record then naming an
// existing parent in the linking field ("productId").
//
// The server keeps deep copies, with numbers as their JSON text (so 129.50
// is served as 129.50), and fills in what a record lacks: a random
// id and remoteId, and createdTimestamp and updatedTimestamp (now). A given
// id must be a string not yet in the collection. Seed adds nothing and
// returns an error for an unknown connection or collection, a collection
// the connection's app does not serve, or a bad record.
func (s *Server) Seed(connectionID, collection string, records ...map[string]any) error {
	copies := make([]map[string]any, len(records))
	for i, rec := range records {
		b, err := json.Marshal(rec)
		if err != nil || decodeNumbers(b, &copies[i]) != nil || copies[i] == nil {
			return fmt.Errorf("alloytest: record %d is not a JSON object", i)
		}
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t, err := s.target(connectionID, collection)
	if err != nil {
		return err
	}
	parentPath, key := t.c.parentOf()
	taken := map[string]bool{}
	for _, r := range t.conn.records[t.c.path] {
		taken[r.id()] = true
	}
	for i, rec := range copies {
		id, isText := rec["id"].(string)
		parent, _ := rec[key].(string)
		switch {
		case rec["id"] != nil && !isText:
			return fmt.Errorf("alloytest: record %d: id must be a string", i)
		case id != "" && taken[id]:
			return fmt.Errorf("alloytest: record %d: id %q is already in %s", i, id, collection)
		case key != "" && t.parent == "" && !t.conn.has(parentPath, parent):
			return fmt.Errorf("alloytest: record %d: %s %q is not in %s", i, key, parent, parentPath)
		}
		taken[id] = id != ""
	}
	for _, rec := range copies {
		t.add(rec)
	}
	return nil
}

// Records returns a snapshot of a connection's records in a collection
// (named as for Seed), oldest first: for a sub-collection's template,
// every parent's. Records are decoded JSON: numbers are float64. It
// returns nil when there is no such connection or collection.
func (s *Server) Records(connectionID, collection string) []map[string]any {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t, err := s.target(connectionID, collection)
	if err != nil {
		return nil
	}
	out := []map[string]any{}
	for _, r := range t.records() {
		out = append(out, cloneJSON(r.fields))
	}
	return out
}

// Clear deletes a connection's records in the named collections (named as
// for Seed), and the records of their sub-collections that belong to them;
// with no collection named, every record the connection holds.
func (s *Server) Clear(connectionID string, paths ...string) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if len(paths) == 0 {
		_, cred := s.st.credential(connectionID)
		if cred == nil || cred.one == nil {
			return fmt.Errorf("alloytest: no Unified API connection %q", connectionID)
		}
		cred.one.records = map[string][]*record{}
		return nil
	}
	for _, p := range paths {
		t, err := s.target(connectionID, p)
		if err != nil {
			return err
		}
		gone := t.records()
		t.conn.remove(t.c.path, func(r *record) bool { return slices.Contains(gone, r) })
	}
	return nil
}

// target resolves a connection's collection (named as for Seed) for the
// exported helpers. The caller holds the store lock.
func (s *Server) target(connectionID, path string) (*target, error) {
	c, parent, ok := collectionAt(path)
	if !ok {
		return nil, fmt.Errorf("alloytest: no Unified API collection %q", path)
	}
	_, cred := s.st.credential(connectionID)
	if cred == nil {
		return nil, fmt.Errorf("alloytest: no connection %q", connectionID)
	}
	t, f := open(cred, c)
	if f == nil && parent != "" {
		t, f = t.of(parent)
	}
	if f != nil {
		return nil, f
	}
	return t, nil
}

// newConnection returns the data of a new connection of category: the
// sample records of the category's collections.
func newConnection(category string) *connection {
	conn := &connection{category: category, records: map[string][]*record{}}
	data := sampleData()
	for _, c := range collections { // parents come before their sub-collections
		if c.category() == category {
			for _, rec := range data[c.path] {
				conn.insert(c.path, rec)
			}
		}
	}
	return conn
}

// fieldsOf describes the top-level fields of records, by name, each with
// the JSON type of its first non-null value.
func fieldsOf(records []map[string]any) []map[string]string {
	types := map[string]string{}
	for _, rec := range records {
		for k, v := range rec {
			if types[k] == "" || types[k] == "null" {
				types[k] = jsonType(v)
			}
		}
	}
	out := make([]map[string]string, 0, len(types))
	for k, t := range types {
		out = append(out, map[string]string{"name": k, "type": t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["name"] < out[j]["name"] })
	return out
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// obj is a JSON object of the sample data.
type obj = map[string]any

// sample gives records the ids prefix_1001, prefix_1002, ..., remote ids,
// and timestamps a day apart from 1 June 2024, as long-held records of a
// provider would have.
func sample(prefix string, records ...obj) []obj {
	for i, r := range records {
		at := time.Date(2024, 6, 1+i, 9, 30, 0, 0, time.UTC).Format(timeFormat)
		r["id"], r["remoteId"] = fmt.Sprintf("%s_%d", prefix, 1001+i), strconv.Itoa(7102938475610+1013*i)
		r["createdTimestamp"], r["updatedTimestamp"] = at, at
	}
	return records
}

// sampleData returns the records a new connection holds, by collection
// path, oldest first, as decoded JSON (numbers are float64): fresh values
// on every call.
func sampleData() map[string][]map[string]any {
	address := func(line, city, region, zip string) obj {
		return obj{"address1": line, "city": city, "region": region, "postalCode": zip, "country": "United States", "countryCode": "US"}
	}
	buyer := address("500 Congress Ave", "Austin", "TX", "78701")
	buyer["firstName"], buyer["lastName"], buyer["phone"] = "Dana", "Okafor", "+15125550147"
	data := map[string][]obj{
		"commerce/customers": sample("cus",
			obj{"firstName": "Dana", "lastName": "Okafor", "email": "dana.okafor@example.com", "phone": "+15125550147"},
			obj{"firstName": "Luis", "lastName": "Moreno", "email": "luis.moreno@example.com", "phone": "+13125550199"},
			obj{"firstName": "Mei", "lastName": "Tanaka", "email": "mei.tanaka@example.org", "phone": "+14155550123"},
		),
		"commerce/products": sample("prd",
			obj{"productName": "Merino Crew Sock", "productType": "Apparel", "description": "Midweight merino wool socks.", "productStatus": "active",
				"vendor": "Northwind Goods", "productUrl": "https://northwind-goods.example/products/merino-crew-sock", "price": 18,
				"tags": []string{"socks", "wool"}, "images": []obj{{"url": "https://cdn.northwind-goods.example/sock.jpg"}}},
			obj{"productName": "Canvas Tote", "productType": "Bags", "description": "Heavy cotton canvas tote bag.", "productStatus": "active",
				"vendor": "Northwind Goods", "productUrl": "https://northwind-goods.example/products/canvas-tote", "price": 32.5,
				"tags": []string{"bags"}, "images": []obj{{"url": "https://cdn.northwind-goods.example/tote.jpg"}}},
			obj{"productName": "Ceramic Pour-Over", "productType": "Kitchen", "description": "Stoneware pour-over coffee dripper.", "productStatus": "draft",
				"vendor": "Harbor Clay", "productUrl": "https://northwind-goods.example/products/ceramic-pour-over", "price": 44,
				"tags": []string{"coffee", "kitchen"}, "images": []obj{{"url": "https://cdn.northwind-goods.example/pour-over.jpg"}}},
		),
		"commerce/products/{productId}/variants": sample("var",
			obj{"productId": "prd_1001", "title": "M", "price": 18, "sku": "SOCK-M", "inventory": 40, "weight": 0.1, "optionValues": []obj{{"name": "Size", "value": "M"}}},
			obj{"productId": "prd_1001", "title": "L", "price": 18, "sku": "SOCK-L", "inventory": 25, "weight": 0.1, "optionValues": []obj{{"name": "Size", "value": "L"}}},
			obj{"productId": "prd_1002", "title": "Natural", "price": 32.5, "sku": "TOTE-NAT", "inventory": 12, "weight": 0.4, "optionValues": []obj{{"name": "Color", "value": "Natural"}}},
			obj{"productId": "prd_1002", "title": "Black", "price": 32.5, "sku": "TOTE-BLK", "inventory": 0, "weight": 0.4, "optionValues": []obj{{"name": "Color", "value": "Black"}}},
			obj{"productId": "prd_1003", "title": "White", "price": 44, "sku": "POUR-WHT", "inventory": 8, "weight": 0.6, "optionValues": []obj{{"name": "Glaze", "value": "White"}}},
			obj{"productId": "prd_1003", "title": "Matte Black", "price": 46, "sku": "POUR-BLK", "inventory": 5, "weight": 0.6, "optionValues": []obj{{"name": "Glaze", "value": "Matte Black"}}},
		),
		"commerce/orders": sample("ord",
			obj{"orderNumber": "1001", "orderStatus": "closed", "fulfillmentStatus": "Fulfilled", "paymentStatus": "Paid", "currency": "USD",
				"totalShipping": 5, "totalDiscount": 0, "totalTax": 5.48, "totalPrice": 78.98,
				"lineItems": []obj{
					{"id": "li_1", "title": "Merino Crew Sock - M", "price": 18, "quantity": 2, "productId": "prd_1001", "variantId": "var_1001", "sku": "SOCK-M"},
					{"id": "li_2", "title": "Canvas Tote - Natural", "price": 32.5, "quantity": 1, "productId": "prd_1002", "variantId": "var_1003", "sku": "TOTE-NAT"},
				},
				"billingAddress": buyer, "shippingAddress": buyer,
				"customer": obj{"id": "cus_1001", "email": "dana.okafor@example.com", "firstName": "Dana", "lastName": "Okafor"}},
			obj{"orderNumber": "1002", "orderStatus": "open", "fulfillmentStatus": "Unfulfilled", "paymentStatus": "Pending", "currency": "USD",
				"totalShipping": 0, "totalDiscount": 24.9, "totalTax": 17.93, "totalPrice": 242.03,
				"lineItems": []obj{
					{"id": "li_3", "title": "Ceramic Pour-Over - Matte Black", "price": 46, "quantity": 4, "productId": "prd_1003", "variantId": "var_1006", "sku": "POUR-BLK"},
					{"id": "li_4", "title": "Canvas Tote - Natural", "price": 32.5, "quantity": 2, "productId": "prd_1002", "variantId": "var_1003", "sku": "TOTE-NAT"},
				},
				"billingAddress": address("233 S Wacker Dr", "Chicago", "IL", "60606"), "shippingAddress": address("233 S Wacker Dr", "Chicago", "IL", "60606"),
				"customer": obj{"id": "cus_1002", "email": "luis.moreno@example.com", "firstName": "Luis", "lastName": "Moreno"}},
		),
		"commerce/orders/{orderId}/fulfillments": sample("ful",
			obj{"orderId": "ord_1001", "status": "success", "trackingCompany": "UPS", "trackingNumber": "1Z999AA10123456784",
				"trackingUrl": "https://www.ups.com/track?tracknum=1Z999AA10123456784", "lineItems": []obj{{"id": "li_1", "quantity": 2}, {"id": "li_2", "quantity": 1}}},
		),

		"accounting/company-info": sample("cmp",
			obj{"companyName": "Northwind Goods", "companyLegalName": "Northwind Goods LLC", "taxNumber": "12-3456789",
				"fiscalYearEndMonth": 12, "fiscalYearEndDay": 31, "currency": "USD", "companyUrls": []string{"https://northwind-goods.example"},
				"companyAddresses":    []obj{address("500 Congress Ave", "Austin", "TX", "78701")},
				"companyPhoneNumbers": []obj{{"number": "+15125550100", "type": "main"}}},
		),
		"accounting/accounts": sample("acc",
			obj{"accountName": "Operating Checking", "accountDescription": "Main bank account", "classification": "ASSET", "accountType": "BANK", "accountStatus": "ACTIVE", "currentBalance": 48210.55, "accountNumber": "1000", "companyId": "cmp_1001"},
			obj{"accountName": "Accounts Receivable", "accountDescription": "Money owed by customers", "classification": "ASSET", "accountType": "ACCOUNTS_RECEIVABLE", "accountStatus": "ACTIVE", "currentBalance": 12890, "accountNumber": "1200", "companyId": "cmp_1001"},
			obj{"accountName": "Accounts Payable", "accountDescription": "Money owed to vendors", "classification": "LIABILITY", "accountType": "ACCOUNTS_PAYABLE", "accountStatus": "ACTIVE", "currentBalance": 6120.4, "accountNumber": "2000", "companyId": "cmp_1001"},
			obj{"accountName": "Sales", "accountDescription": "Product sales", "classification": "REVENUE", "accountType": "INCOME", "accountStatus": "ACTIVE", "currentBalance": 201344.1, "accountNumber": "4000", "companyId": "cmp_1001"},
		),
		"accounting/customers": sample("cus",
			obj{"customerName": "Acme Retail", "email": "ap@acme-retail.example", "taxNumber": "98-7654321", "customerStatus": "ACTIVE", "currency": "USD", "companyId": "cmp_1001",
				"addresses": []obj{address("1 Market St", "San Francisco", "CA", "94105")}, "phoneNumbers": []obj{{"number": "+14155550111", "type": "work"}}},
			obj{"customerName": "Globex Stores", "email": "billing@globex.example", "taxNumber": "45-1122334", "customerStatus": "ACTIVE", "currency": "USD", "companyId": "cmp_1001",
				"addresses": []obj{address("350 5th Ave", "New York", "NY", "10118")}, "phoneNumbers": []obj{{"number": "+12125550123", "type": "work"}}},
			obj{"customerName": "Initech", "email": "accounts@initech.example", "customerStatus": "ARCHIVED", "currency": "USD", "companyId": "cmp_1001"},
		),
		"accounting/vendors": sample("ven",
			obj{"vendorName": "Harbor Clay Works", "email": "orders@harborclay.example", "taxNumber": "33-4455667", "vendorStatus": "ACTIVE", "currency": "USD", "companyId": "cmp_1001",
				"addresses": []obj{address("88 Pier Rd", "Portland", "OR", "97209")}, "phoneNumbers": []obj{{"number": "+15035550188", "type": "work"}}},
			obj{"vendorName": "Freight Partners", "email": "invoices@freightpartners.example", "vendorStatus": "ACTIVE", "currency": "USD", "companyId": "cmp_1001"},
		),
		"accounting/items": sample("itm",
			obj{"itemName": "Merino Crew Sock", "itemStatus": "ACTIVE", "itemType": "INVENTORY", "unitPrice": 18, "purchasePrice": 6.5, "qtyOnHand": 65,
				"billAccountId": "acc_1003", "invoiceAccountId": "acc_1004", "assetAccountId": "acc_1001", "companyId": "cmp_1001"},
			obj{"itemName": "Gift Wrapping", "itemStatus": "ACTIVE", "itemType": "SERVICE", "unitPrice": 4, "invoiceAccountId": "acc_1004", "companyId": "cmp_1001"},
		),
		"accounting/tax-rates": sample("tax",
			obj{"description": "Texas sales tax", "totalTaxRate": 8.25, "effectiveTaxRate": 8.25, "companyId": "cmp_1001"},
			obj{"description": "Exempt", "totalTaxRate": 0, "effectiveTaxRate": 0, "companyId": "cmp_1001"},
		),
		"accounting/tracking-categories": sample("trk",
			obj{"trackingCategoryName": "Retail", "trackingCategoryStatus": "ACTIVE", "trackingCategoryType": "CLASS", "companyId": "cmp_1001"},
			obj{"trackingCategoryName": "Wholesale", "trackingCategoryStatus": "ACTIVE", "trackingCategoryType": "CLASS", "companyId": "cmp_1001"},
			obj{"trackingCategoryName": "Austin", "trackingCategoryStatus": "ACTIVE", "trackingCategoryType": "DEPARTMENT", "parentCategoryId": "trk_1001", "companyId": "cmp_1001"},
		),
		"accounting/invoices": sample("inv",
			obj{"customerId": "cus_1001", "invoiceNumber": "INV-1001", "issueDate": "2024-06-03T00:00:00.000Z", "dueDate": "2024-07-03T00:00:00.000Z", "paidOnDate": "2024-06-28T00:00:00.000Z",
				"memo": "June wholesale order", "companyId": "cmp_1001", "currency": "USD", "exchangeRate": 1, "totalDiscount": 0, "subTotal": 900, "invoiceStatus": "PAID",
				"totalTaxAmount": 74.25, "totalAmount": 974.25, "balance": 0, "trackingCategories": []string{"trk_1002"},
				"lineItems": []obj{{"description": "Merino Crew Sock", "quantity": 50, "unitPrice": 18, "totalAmount": 900, "itemId": "itm_1001", "accountId": "acc_1004"}}},
			obj{"customerId": "cus_1002", "invoiceNumber": "INV-1002", "issueDate": "2024-06-20T00:00:00.000Z", "dueDate": "2024-07-20T00:00:00.000Z",
				"memo": "Net 30", "companyId": "cmp_1001", "currency": "USD", "exchangeRate": 1, "totalDiscount": 20, "subTotal": 180, "invoiceStatus": "OPEN",
				"totalTaxAmount": 13.2, "totalAmount": 173.2, "balance": 173.2,
				"lineItems": []obj{{"description": "Merino Crew Sock", "quantity": 10, "unitPrice": 18, "totalAmount": 180, "itemId": "itm_1001", "accountId": "acc_1004"}}},
		),
		"accounting/bills": sample("bil",
			obj{"vendorId": "ven_1001", "billNumber": "HC-2291", "issueDate": "2024-06-05T00:00:00.000Z", "dueDate": "2024-07-05T00:00:00.000Z",
				"memo": "Pour-over restock", "companyId": "cmp_1001", "currency": "USD", "exchangeRate": 1, "subTotal": 520, "billStatus": "OPEN",
				"totalTaxAmount": 0, "totalAmount": 520, "balance": 520, "purchaseOrders": []string{"po_1001"},
				"lineItems": []obj{{"description": "Ceramic Pour-Over", "quantity": 20, "unitPrice": 26, "totalAmount": 520, "accountId": "acc_1003"}}},
			obj{"vendorId": "ven_1002", "billNumber": "FP-7710", "issueDate": "2024-06-12T00:00:00.000Z", "dueDate": "2024-06-26T00:00:00.000Z", "paidOnDate": "2024-06-25T00:00:00.000Z",
				"companyId": "cmp_1001", "currency": "USD", "exchangeRate": 1, "subTotal": 310.4, "billStatus": "PAID", "totalTaxAmount": 0, "totalAmount": 310.4, "balance": 0},
		),
		"accounting/payments": sample("pay",
			obj{"transactionDate": "2024-06-28T00:00:00.000Z", "customerId": "cus_1001", "accountId": "acc_1001", "currency": "USD", "exchangeRate": 1,
				"companyId": "cmp_1001", "totalAmount": 974.25, "trackingCategoryIds": []string{"trk_1002"}},
		),
		"accounting/purchase-orders": sample("po",
			obj{"purchaseOrderStatus": "ISSUED", "issueDate": "2024-06-01T00:00:00.000Z", "purchaseOrderNumber": "PO-0042", "deliveryDate": "2024-06-15T00:00:00.000Z",
				"deliveryAddress": address("500 Congress Ave", "Austin", "TX", "78701"), "vendorId": "ven_1001", "accountId": "acc_1003", "memo": "Restock",
				"companyId": "cmp_1001", "totalAmount": 520, "currency": "USD", "exchangeRate": 1,
				"lineItems": []obj{{"description": "Ceramic Pour-Over", "quantity": 20, "unitPrice": 26, "itemId": "itm_1001"}}},
		),
		"accounting/sales-orders": sample("so",
			obj{"salesOrderStatus": "OPEN", "issueDate": "2024-06-18T00:00:00.000Z", "salesOrderNumber": "SO-0107", "deliveryDate": "2024-06-30T00:00:00.000Z",
				"deliveryAddress": address("350 5th Ave", "New York", "NY", "10118"), "customerId": "cus_1002", "accountId": "acc_1002", "memo": "Rush",
				"companyId": "cmp_1001", "totalAmount": 193.2, "totalTaxAmount": 13.2, "currency": "USD", "exchangeRate": 1,
				"lineItems": []obj{{"description": "Merino Crew Sock", "quantity": 10, "unitPrice": 18, "itemId": "itm_1001"}}},
		),

		"crm/accounts": sample("acc",
			obj{"accountName": "Acme Retail", "description": "Regional retail chain", "industry": "Retail", "website": "https://acme-retail.example", "numberOfEmployees": 1200,
				"addresses": []obj{address("1 Market St", "San Francisco", "CA", "94105")}, "phoneNumbers": []obj{{"phoneNumber": "+14155550111", "phoneNumberType": "work"}},
				"lastActivityAt": "2024-06-20T15:00:00.000Z"},
			obj{"accountName": "Globex Stores", "description": "Department stores", "industry": "Retail", "website": "https://globex.example", "numberOfEmployees": 5400,
				"addresses": []obj{address("350 5th Ave", "New York", "NY", "10118")}, "phoneNumbers": []obj{{"phoneNumber": "+12125550123", "phoneNumberType": "work"}},
				"lastActivityAt": "2024-06-18T10:30:00.000Z"},
		),
		"crm/contacts": sample("con",
			obj{"firstName": "Priya", "lastName": "Natarajan", "account": "acc_1001", "emailAddresses": []obj{{"emailAddress": "priya@acme-retail.example", "emailAddressType": "work"}},
				"phoneNumbers": []obj{{"phoneNumber": "+14155550142", "phoneNumberType": "mobile"}}, "lastActivityAt": "2024-06-20T15:00:00.000Z"},
			obj{"firstName": "Tom", "lastName": "Becker", "account": "acc_1001", "emailAddresses": []obj{{"emailAddress": "tom.becker@acme-retail.example", "emailAddressType": "work"}}},
			obj{"firstName": "Ana", "lastName": "Silva", "account": "acc_1002", "emailAddresses": []obj{{"emailAddress": "ana.silva@globex.example", "emailAddressType": "work"}},
				"lastActivityAt": "2024-06-18T10:30:00.000Z"},
		),
		"crm/leads": sample("lea",
			obj{"leadOwner": "usr_1001", "leadSource": "Website", "leadTitle": "Head of Purchasing", "company": "Initech", "firstName": "Bill", "lastName": "Lumbergh",
				"emailAddresses": []obj{{"emailAddress": "bill@initech.example", "emailAddressType": "work"}}},
			obj{"leadOwner": "usr_1002", "leadSource": "Trade show", "leadTitle": "Buyer", "company": "Umbrella Outfitters", "firstName": "Jill", "lastName": "Valentine"},
		),
		"crm/opportunities": sample("opp",
			obj{"opportunityName": "Acme holiday order", "opportunityDescription": "Q4 stocking order", "amount": 48000, "opportunityOwner": "usr_1001",
				"opportunityAccount": "acc_1001", "opportunityStage": "Negotiation", "opportunityStatus": "OPEN", "closeDate": "2024-09-30T00:00:00.000Z", "lastActivityAt": "2024-06-20T15:00:00.000Z"},
			obj{"opportunityName": "Globex pilot", "opportunityDescription": "Ten-store pilot", "amount": 9500, "opportunityOwner": "usr_1002",
				"opportunityAccount": "acc_1002", "opportunityStage": "Closed Won", "opportunityStatus": "WON", "closeDate": "2024-06-15T00:00:00.000Z"},
		),
		"crm/notes": sample("not",
			obj{"noteOwner": "usr_1001", "noteTitle": "Call recap", "noteContent": "Wants samples before committing.", "noteContact": "con_1001", "noteAccount": "acc_1001", "noteOpportunity": "opp_1001"},
			obj{"noteOwner": "usr_1002", "noteTitle": "Pilot stores", "noteContent": "Pilot runs in the ten Midwest stores.", "noteAccount": "acc_1002", "noteOpportunity": "opp_1002"},
		),
		"crm/tasks": sample("tsk",
			obj{"taskSubject": "Send samples", "taskContent": "Ship the sock and tote samples.", "taskOwner": "usr_1001", "taskOpportunity": "opp_1001",
				"dueDate": "2024-07-01T00:00:00.000Z", "taskStatus": "OPEN"},
			obj{"taskSubject": "Kick-off call", "taskContent": "Pilot kick-off with the store managers.", "taskOwner": "usr_1002", "taskOpportunity": "opp_1002",
				"dueDate": "2024-06-10T00:00:00.000Z", "completedDate": "2024-06-10T00:00:00.000Z", "taskStatus": "COMPLETED"},
		),
		"crm/users": sample("usr",
			obj{"firstName": "Rosa", "lastName": "Diaz", "email": "rosa.diaz@northwind-goods.example", "isActive": true},
			obj{"firstName": "Kenji", "lastName": "Mori", "email": "kenji.mori@northwind-goods.example", "isActive": true},
		),
	}
	out := make(map[string][]map[string]any, len(data))
	b, _ := json.Marshal(data) // literals above always encode
	_ = json.Unmarshal(b, &out)
	return out
}
