package alloytest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/alloysdk/alloy-go/internal/contract"
)

// The sample records a new connection starts with.
//
// handSamples gives the values, tuned by hand so that the records tell one
// consistent story (Northwind Goods, a small shop: its Shopify store, its
// NetSuite books and its HubSpot CRM) and reference each other by id: an
// order's customer.customerId is a customer of the same connection, its
// line items name products and variants, an invoice's line items name
// items and accounts, a note names a contact, an account and an
// opportunity. buildSamples then makes each record fit the contract: every
// property of the collection's model (over every version, see
// collection.union) takes the hand-tuned value that fits its schema (a
// value may offer alternatives, see alts), or, where the hand-tuned data
// has none, a value generated from the contract's examples and types (see
// generate), so that a property the contract gains later is filled too.
// Undocumented keys are dropped.
//
// Every property of every sample record is non-null, but for the roots of
// a hierarchy: an account or a tracking category without a parent has a
// null parentAccountId or parentCategoryId, as in any chart of accounts.

// obj is a JSON object of the sample data.
type obj = map[string]any

// alts offers values in order of preference: the first that fits the
// property's schema is taken. It lets a sample follow a schema that is
// still being settled (a variant's weight {value, unit} or a number).
type alts []any

// sampleSyncedAt is when the sample records were synced into Alloy's
// cache: the connection's first sync, after every record's remote times.
var sampleSyncedAt = time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)

// sampleMeta returns the i-th (0-based) sample record's id, remote id and
// remote times: ids prefix_1001, prefix_1002, ..., created a day apart from
// 1 June 2024 at 09:30 UTC, each last changed a day and two hours later.
func sampleMeta(prefix string, i int) (id, remoteID string, created, updated time.Time) {
	created = time.Date(2024, 6, 1+i, 9, 30, 0, 0, time.UTC)
	return fmt.Sprintf("%s_%d", prefix, 1001+i), strconv.Itoa(7102938475610 + 1013*i), created, created.Add(26 * time.Hour)
}

// sampleSet is the hand-tuned data of one collection: its id prefix and
// its records, oldest first.
type sampleSet struct {
	prefix  string
	records []obj
}

// nestedVariants are a product's variants as its own record nests them:
// the variant samples with their ids, product and Unix timestamps (the
// products page's nested variants use createdTimestamp in seconds).
func nestedVariants(variants []obj, productID string) []obj {
	var out []obj
	for i, v := range variants {
		if v["productId"] != productID {
			continue
		}
		id, remote, created, updated := sampleMeta("var", i)
		n := obj{"id": id, "remoteId": remote, "createdTimestamp": created.Unix(), "updatedTimestamp": updated.Unix()}
		for k, val := range v {
			n[k] = val
		}
		out = append(out, n)
	}
	return out
}

// handSamples returns the hand-tuned sample data by collection path:
// fresh values on every call.
func handSamples() map[string]sampleSet {
	// commerce: the Shopify store
	shopAddress := func(first, last, line, city, region, zip, phone string) obj {
		return obj{"firstName": first, "lastName": last, "address1": line, "city": city, "region": region, "postalCode": zip, "countryCode": "US", "phone": phone}
	}
	dana := shopAddress("Dana", "Okafor", "500 Congress Ave", "Austin", "TX", "78701", "+15125550147")
	luis := shopAddress("Luis", "Moreno", "233 S Wacker Dr", "Chicago", "IL", "60606", "+13125550199")
	variants := []obj{
		{"productId": "prd_1001", "title": "M", "price": "18.00", "sku": "SOCK-M", "inventory": alts{obj{"totalCount": 40}, 40},
			"weight": alts{obj{"value": 0.09, "unit": "kg"}, 0.09}, "optionValues": []obj{{"name": "Size", "value": "M"}}},
		{"productId": "prd_1001", "title": "L", "price": "18.00", "sku": "SOCK-L", "inventory": alts{obj{"totalCount": 25}, 25},
			"weight": alts{obj{"value": 0.1, "unit": "kg"}, 0.1}, "optionValues": []obj{{"name": "Size", "value": "L"}}},
		{"productId": "prd_1002", "title": "Natural", "price": "32.50", "sku": "TOTE-NAT", "inventory": alts{obj{"totalCount": 12}, 12},
			"weight": alts{obj{"value": 0.4, "unit": "kg"}, 0.4}, "optionValues": []obj{{"name": "Color", "value": "Natural"}}},
		{"productId": "prd_1002", "title": "Black", "price": "32.50", "sku": "TOTE-BLK", "inventory": alts{obj{"totalCount": 3}, 3},
			"weight": alts{obj{"value": 0.4, "unit": "kg"}, 0.4}, "optionValues": []obj{{"name": "Color", "value": "Black"}}},
		{"productId": "prd_1003", "title": "White", "price": "44.00", "sku": "POUR-WHT", "inventory": alts{obj{"totalCount": 8}, 8},
			"weight": alts{obj{"value": 0.6, "unit": "kg"}, 0.6}, "optionValues": []obj{{"name": "Glaze", "value": "White"}}},
		{"productId": "prd_1003", "title": "Matte Black", "price": "46.00", "sku": "POUR-BLK", "inventory": alts{obj{"totalCount": 5}, 5},
			"weight": alts{obj{"value": 0.6, "unit": "kg"}, 0.6}, "optionValues": []obj{{"name": "Glaze", "value": "Matte Black"}}},
	}
	product := func(name, kind, description, status, vendor, slug, price string, tags ...string) obj {
		return obj{"productName": name, "productType": kind, "description": description, "productStatus": status, "vendor": vendor,
			"productUrl": "https://northwind-goods.example/products/" + slug, "price": price, "tags": tags,
			"images": []obj{{"src": "https://cdn.northwind-goods.example/products/" + slug + ".jpg"}}}
	}
	products := []obj{
		product("Merino Crew Sock", "Apparel", "Midweight merino wool crew socks.", "active", "Northwind Goods", "merino-crew-sock", "18.00", "socks", "wool"),
		product("Canvas Tote", "Bags", "Heavy cotton canvas tote bag with an inner pocket.", "active", "Northwind Goods", "canvas-tote", "32.50", "bags"),
		product("Ceramic Pour-Over", "Kitchen", "Stoneware pour-over coffee dripper, fits #2 filters.", "draft", "Harbor Clay Works", "ceramic-pour-over", "44.00", "coffee", "kitchen"),
	}
	for i, p := range products {
		p["variants"] = nestedVariants(variants, fmt.Sprintf("prd_%d", 1001+i))
	}
	line := func(id, title, price, cost string, qty int, productID, variantID, sku string) obj {
		return obj{"id": id, "title": title, "price": price, "unitCost": cost, "quantity": qty, "productId": productID,
			"variantId": variantID, "sku": sku, "currency": "USD"}
	}

	// accounting: the NetSuite books
	books := func(kind, line1, line2, city, state, zip string) obj {
		return obj{"addressType": kind, "street1": line1, "street2": line2, "city": city, "state": state, "countrySubdivision": state, "country": "US", "zipCode": zip}
	}
	phone := func(kind, number string) []obj { return []obj{{"phoneNumberType": kind, "phoneNumber": number}} }
	company := alts{"cmp_1001", 1001} // the bill page types companyId as a number
	warehouse := books("SHIPPING", "1400 E 6th St", "Dock 3", "Austin", "TX", "78702")
	docLine := func(id, description string, qty int, price, total float64, item, account, category string) obj {
		return obj{"id": id, "remoteId": strings.TrimPrefix(id, "lin_"), "description": description, "quantity": qty, "unitPrice": price,
			"totalAmount": total, "totalLineAmount": total, "accountingItemId": item, "accountId": account, "companyId": company,
			"currency": "USD", "exchangeRate": 1, "taxAmount": 0, "trackingCategoryId": category, "trackingCategoryIds": []string{category}}
	}
	withTax := func(l obj, tax float64) obj { l["taxAmount"] = tax; return l }
	account := func(name, description, classification, kind, number string, balance float64, parent any) obj {
		return obj{"accountName": name, "accountDescription": description, "classification": classification, "accountType": kind,
			"accountStatus": "ACTIVE", "accountNumber": number, "currentBalance": balance, "parentAccountId": parent,
			"currency": "USD", "companyId": company}
	}
	item := func(name, category string, price, cost, qty float64) obj {
		return obj{"itemName": name, "itemCategory": category, "itemStatus": "ACTIVE", "itemType": "INVENTORY", "unitPrice": price,
			"purchasePrice": cost, "qtyOnHand": qty, "billAccountId": "acc_1006", "invoiceAccountId": "acc_1007", "assetAccountId": "acc_1005",
			"companyId": company}
	}

	// crm: the HubSpot portal
	crmAddress := func(kind, line1, line2, city, state, zip string) obj {
		return obj{"addressType": kind, "street1": line1, "street2": line2, "city": city, "state": state, "countrySubdivision": state, "country": "United States", "postalCode": zip}
	}
	crmPhone := func(kind, number string) []obj { return []obj{{"phoneNumberType": kind, "phoneNumber": number}} }
	crmEmail := func(address string) []obj { return []obj{{"emailAddressType": "work", "emailAddress": address}} }
	owner := func(id, first, last string) alts {
		return alts{first + " " + last, obj{"id": id, "userId": id, "name": first + " " + last, "firstName": first, "lastName": last,
			"email": strings.ToLower(first+"."+last) + "@northwind-goods.example"}}
	}
	rosa, kenji := owner("usr_1001", "Rosa", "Diaz"), owner("usr_1002", "Kenji", "Mori")
	user := func(first, last string) obj {
		email := strings.ToLower(first+"."+last) + "@northwind-goods.example"
		return obj{"userFirstName": first, "userLastName": last, "userEmail": email, "firstName": first, "lastName": last, "email": email, "isActive": true}
	}

	return map[string]sampleSet{
		"commerce/customers": {"cus", []obj{
			{"firstName": "Dana", "lastName": "Okafor", "email": "dana.okafor@example.com", "phone": "+15125550147"},
			{"firstName": "Luis", "lastName": "Moreno", "email": "luis.moreno@example.com", "phone": "+13125550199"},
			{"firstName": "Mei", "lastName": "Tanaka", "email": "mei.tanaka@example.org", "phone": "+14155550123"},
		}},
		"commerce/products":                      {"prd", products},
		"commerce/products/{productId}/variants": {"var", variants},
		"commerce/orders": {"ord", []obj{
			{"orderNumber": "1001", "orderStatus": "closed", "fulfillmentStatus": "Fulfilled", "paymentStatus": "Paid", "currency": "USD",
				"totalShipping": "5.00", "totalDiscount": "0.00", "totalTax": "5.48", "totalPrice": "78.98",
				"lineItems": []obj{
					line("li_1001", "Merino Crew Sock - M", "18.00", "6.50", 2, "prd_1001", "var_1001", "SOCK-M"),
					line("li_1002", "Canvas Tote - Natural", "32.50", "11.00", 1, "prd_1002", "var_1003", "TOTE-NAT"),
				},
				"billingAddress": dana, "shippingAddress": dana,
				"customer": obj{"customerId": "cus_1001", "id": "cus_1001", "email": "dana.okafor@example.com", "firstName": "Dana", "lastName": "Okafor", "phone": "+15125550147"}},
			{"orderNumber": "1002", "orderStatus": "open", "fulfillmentStatus": "Unfulfilled", "paymentStatus": "Pending", "currency": "USD",
				"totalShipping": "0.00", "totalDiscount": "24.90", "totalTax": "17.93", "totalPrice": "242.03",
				"lineItems": []obj{
					line("li_1003", "Ceramic Pour-Over - Matte Black", "46.00", "26.00", 4, "prd_1003", "var_1006", "POUR-BLK"),
					line("li_1004", "Canvas Tote - Natural", "32.50", "11.00", 2, "prd_1002", "var_1003", "TOTE-NAT"),
				},
				"billingAddress": luis, "shippingAddress": luis,
				"customer": obj{"customerId": "cus_1002", "id": "cus_1002", "email": "luis.moreno@example.com", "firstName": "Luis", "lastName": "Moreno", "phone": "+13125550199"}},
		}},
		"commerce/orders/{orderId}/fulfillments": {"ful", []obj{
			{"orderId": "ord_1001", "carrier": "UPS", "trackingNumbers": []string{"1Z999AA10123456784"},
				"trackingUrls": []string{"https://www.ups.com/track?tracknum=1Z999AA10123456784"},
				"lineItems": []obj{
					{"lineItemId": "li_1001", "title": "Merino Crew Sock - M", "price": "18.00", "quantity": 2, "productId": "prd_1001", "variantId": "var_1001", "sku": "SOCK-M"},
					{"lineItemId": "li_1002", "title": "Canvas Tote - Natural", "price": "32.50", "quantity": 1, "productId": "prd_1002", "variantId": "var_1003", "sku": "TOTE-NAT"},
				}},
		}},

		"accounting/company-info": {"cmp", []obj{
			{"companyName": "Northwind Goods", "companyLegalName": "Northwind Goods LLC", "taxNumber": "12-3456789",
				"fiscalYearEndMonth": 12, "fiscalYearEndDay": 31, "currency": "USD", "companyUrls": []string{"https://northwind-goods.example"},
				"companyAddresses":    []obj{books("BILLING", "500 Congress Ave", "Suite 200", "Austin", "TX", "78701")},
				"companyPhoneNumbers": phone("MAIN", "+15125550100")},
		}},
		"accounting/accounts": {"acc", []obj{
			account("Operating Checking", "Main operating account at First Texas Bank", "ASSET", "BANK", "1010", 48210.55, nil),
			account("Accounts Receivable", "Money owed by wholesale customers", "ASSET", "ACCOUNTS_RECEIVABLE", "1200", 12890, nil),
			account("Accounts Payable", "Money owed to vendors", "LIABILITY", "ACCOUNTS_PAYABLE", "2000", 6120.4, nil),
			account("Sales", "All product sales", "REVENUE", "INCOME", "4000", 201344.1, nil),
			account("Inventory Asset", "Goods on hand at cost", "ASSET", "OTHER_CURRENT_ASSET", "1300", 18420.75, nil),
			account("Cost of Goods Sold", "Cost of the goods sold", "EXPENSE", "COST_OF_GOODS_SOLD", "5000", 80537.64, nil),
			account("Merchandise Sales", "Sales of stocked merchandise", "REVENUE", "INCOME", "4010", 188902.6, "acc_1004"),
		}},
		"accounting/customers": {"cus", []obj{
			{"customerName": "Acme Retail", "email": "ap@acme-retail.example", "taxNumber": "98-7654321", "customerStatus": "ACTIVE", "currency": "USD", "companyId": company,
				"addresses": []obj{books("BILLING", "1 Market St", "Floor 12", "San Francisco", "CA", "94105")}, "phoneNumbers": phone("WORK", "+14155550111")},
			{"customerName": "Globex Stores", "email": "billing@globex.example", "taxNumber": "45-1122334", "customerStatus": "ACTIVE", "currency": "USD", "companyId": company,
				"addresses": []obj{books("BILLING", "350 5th Ave", "Suite 4100", "New York", "NY", "10118")}, "phoneNumbers": phone("WORK", "+12125550123")},
			{"customerName": "Initech", "email": "accounts@initech.example", "taxNumber": "74-2233445", "customerStatus": "ARCHIVED", "currency": "USD", "companyId": company,
				"addresses": []obj{books("BILLING", "4120 Freidrich Ln", "Building 2", "Austin", "TX", "78744")}, "phoneNumbers": phone("MOBILE", "+15125550163")},
		}},
		"accounting/vendors": {"ven", []obj{
			{"vendorName": "Harbor Clay Works", "email": "orders@harborclay.example", "taxNumber": "33-4455667", "vendorStatus": "ACTIVE", "currency": "USD", "companyId": company,
				"addresses": []obj{books("REMIT_TO", "88 Pier Rd", "Unit B", "Portland", "OR", "97209")}, "phoneNumbers": phone("WORK", "+15035550188")},
			{"vendorName": "Freight Partners", "email": "invoices@freightpartners.example", "taxNumber": "61-9988776", "vendorStatus": "ACTIVE", "currency": "USD", "companyId": company,
				"addresses": []obj{books("REMIT_TO", "2700 Freight Way", "Suite 5", "Dallas", "TX", "75207")}, "phoneNumbers": phone("WORK", "+12145550142")},
		}},
		"accounting/tax-rates": {"tax", []obj{
			{"description": "Texas sales tax (Austin, 8.25%)", "totalTaxRate": 8.25, "effectiveTaxRate": 8.25, "companyId": company},
			{"description": "Exempt (resale certificate)", "totalTaxRate": 0, "effectiveTaxRate": 0, "companyId": company},
		}},
		"accounting/tracking-categories": {"trk", []obj{
			{"trackingCategoryName": "Retail", "trackingCategoryStatus": "ACTIVE", "trackingCategoryType": "CLASS", "parentCategoryId": nil, "companyId": company},
			{"trackingCategoryName": "Wholesale", "trackingCategoryStatus": "ACTIVE", "trackingCategoryType": "CLASS", "parentCategoryId": nil, "companyId": company},
			{"trackingCategoryName": "Austin", "trackingCategoryStatus": "ACTIVE", "trackingCategoryType": "DEPARTMENT", "parentCategoryId": "trk_1001", "companyId": company},
		}},
		"accounting/items": {"itm", []obj{
			item("Merino Crew Sock", "Apparel", 18, 6.5, 65),
			item("Canvas Tote", "Bags", 32.5, 11, 15),
			item("Ceramic Pour-Over", "Kitchen", 44, 26, 13),
		}},
		"accounting/invoices": {"inv", []obj{
			{"customerId": "cus_1001", "invoiceNumber": "INV-1001", "invoiceStatus": "PAID", "issueDate": "2024-06-03", "dueDate": "2024-07-03", "paidOnDate": "2024-06-28",
				"memo": "June wholesale order", "companyId": company, "currency": "USD", "exchangeRate": 1, "totalDiscount": 0, "subTotal": 900,
				"totalTaxAmount": 74.25, "totalAmount": 974.25, "balance": 0, "trackingCategories": []string{"trk_1002"}, "purchaseOrders": []string{"ACME-PO-5521"},
				"lineItems": []obj{withTax(docLine("lin_1", "Merino Crew Sock", 50, 18, 900, "itm_1001", "acc_1007", "trk_1002"), 74.25)}},
			{"customerId": "cus_1002", "invoiceNumber": "INV-1002", "invoiceStatus": "OPEN", "issueDate": "2024-06-20", "dueDate": "2024-07-20", "paidOnDate": "2024-06-21",
				"memo": "Net 30; $50.00 deposit received 21 June", "companyId": company, "currency": "USD", "exchangeRate": 1, "totalDiscount": 20, "subTotal": 180,
				"totalTaxAmount": 13.2, "totalAmount": 173.2, "balance": 123.2, "trackingCategories": []string{"trk_1002"}, "purchaseOrders": []string{"GLX-88412"},
				"lineItems": []obj{withTax(docLine("lin_2", "Merino Crew Sock", 10, 18, 180, "itm_1001", "acc_1007", "trk_1002"), 13.2)}},
		}},
		"accounting/bills": {"bil", []obj{
			{"vendorId": "ven_1001", "billNumber": alts{"HC-2291", 2291}, "billStatus": "OPEN", "issueDate": "2024-06-05", "dueDate": "2024-07-05", "paidOnDate": "2024-06-20",
				"memo": "Pour-over restock (PO-0042); half paid on receipt", "companyId": company, "currency": "USD", "exchangeRate": 1, "totalDiscount": 0, "subTotal": 520,
				"totalTaxAmount": 0, "totalAmount": 520, "balance": 260, "purchaseOrders": []string{"po_1001"}, "trackingCategories": []string{"trk_1001"},
				"lineItems": []obj{docLine("lin_3", "Ceramic Pour-Over", 20, 26, 520, "itm_1003", "acc_1005", "trk_1001")}},
			{"vendorId": "ven_1002", "billNumber": alts{"FP-7710", 7710}, "billStatus": "PAID", "issueDate": "2024-06-12", "dueDate": "2024-06-26", "paidOnDate": "2024-06-25",
				"memo": "Inbound freight for PO-0042", "companyId": company, "currency": "USD", "exchangeRate": 1, "totalDiscount": 0, "subTotal": 310.4,
				"totalTaxAmount": 0, "totalAmount": 310.4, "balance": 0, "purchaseOrders": []string{"po_1001"}, "trackingCategories": []string{"trk_1001"},
				"lineItems": []obj{docLine("lin_4", "Freight, Portland to Austin", 1, 310.4, 310.4, "itm_1003", "acc_1006", "trk_1001")}},
		}},
		"accounting/payments": {"pay", []obj{
			// Alloy's retrieve-payment example fills customerId and vendorId both
			{"transactionDate": "2024-06-28T00:00:00.000Z", "customerId": "cus_1001", "vendorId": "ven_1002", "accountId": "acc_1001", "paymentMethod": "ACH",
				"currency": "USD", "exchangeRate": 1, "companyId": company, "totalAmount": 974.25, "trackingCategoryIds": []string{"trk_1002"}},
			{"transactionDate": "2024-06-21T00:00:00.000Z", "customerId": "cus_1002", "vendorId": "ven_1001", "accountId": "acc_1001", "paymentMethod": "Check",
				"currency": "USD", "exchangeRate": 1, "companyId": company, "totalAmount": 50, "trackingCategoryIds": []string{"trk_1002"}},
		}},
		"accounting/purchase-orders": {"po", []obj{
			{"purchaseOrderStatus": "CLOSED", "poStatus": "CLOSED", "purchaseOrderNumber": "PO-0042", "poNumber": "PO-0042", "issueDate": "2024-06-01", "deliveryDate": "2024-06-15",
				"deliveryAddress": warehouse, "vendorId": "ven_1001", "accountId": "acc_1003", "memo": "Pour-over restock", "companyId": company,
				"totalAmount": 520, "currency": "USD", "exchangeRate": 1, "trackingCategoryIds": []string{"trk_1001"},
				"lineItems": []obj{docLine("lin_5", "Ceramic Pour-Over", 20, 26, 520, "itm_1003", "acc_1005", "trk_1001")}},
			{"purchaseOrderStatus": "ISSUED", "poStatus": "ISSUED", "purchaseOrderNumber": "PO-0051", "poNumber": "PO-0051", "issueDate": "2024-06-24", "deliveryDate": "2024-07-10",
				"deliveryAddress": warehouse, "vendorId": "ven_1001", "accountId": "acc_1003", "memo": "Matte black glaze, second batch", "companyId": company,
				"totalAmount": 260, "currency": "USD", "exchangeRate": 1, "trackingCategoryIds": []string{"trk_1001"},
				"lineItems": []obj{docLine("lin_6", "Ceramic Pour-Over", 10, 26, 260, "itm_1003", "acc_1005", "trk_1001")}},
		}},
		"accounting/sales-orders": {"so", []obj{
			{"salesOrderStatus": "BILLED", "salesOrderNumber": "SO-0107", "issueDate": "2024-06-18", "deliveryDate": "2024-06-30", "paidOnDate": "2024-06-21",
				"deliveryAddress": books("SHIPPING", "350 5th Ave", "Loading dock", "New York", "NY", "10118"), "customerId": "cus_1002", "accountId": "acc_1002",
				"memo": "Globex restock; billed as INV-1002", "companyId": company, "totalAmount": 173.2, "totalTaxAmount": 13.2, "currency": "USD", "exchangeRate": 1,
				"trackingCategoryIds": []string{"trk_1002"},
				"lineItems":           []obj{withTax(docLine("lin_7", "Merino Crew Sock", 10, 18, 180, "itm_1001", "acc_1007", "trk_1002"), 13.2)}},
		}},

		"crm/accounts": {"acc", []obj{
			{"accountName": "Acme Retail", "accountOwner": rosa, "description": "Regional retail chain, 40 stores on the West Coast", "industry": "Retail",
				"website": "https://acme-retail.example", "numberOfEmployees": 1200, "lastActivityAt": "2024-06-20T10:00:00-05:00",
				"addresses": []obj{crmAddress("main", "1 Market St", "Floor 12", "San Francisco", "CA", "94105")}, "phoneNumbers": crmPhone("main", "+14155550111")},
			{"accountName": "Globex Stores", "accountOwner": kenji, "description": "Department stores across the Midwest", "industry": "Retail",
				"website": "https://globex.example", "numberOfEmployees": 5400, "lastActivityAt": "2024-06-18T05:30:00-05:00",
				"addresses": []obj{crmAddress("main", "350 5th Ave", "Suite 4100", "New York", "NY", "10118")}, "phoneNumbers": crmPhone("main", "+12125550123")},
		}},
		"crm/contacts": {"con", []obj{
			{"firstName": "Priya", "lastName": "Natarajan", "account": "acc_1001", "email": "priya@acme-retail.example", "emailAddresses": crmEmail("priya@acme-retail.example"),
				"phoneNumbers": crmPhone("mobile", "+14155550142"), "addresses": []obj{crmAddress("mailing", "1 Market St", "Floor 12", "San Francisco", "CA", "94105")},
				"lastActivityAt": "2024-06-20T10:00:00-05:00"},
			{"firstName": "Tom", "lastName": "Becker", "account": "acc_1001", "email": "tom.becker@acme-retail.example", "emailAddresses": crmEmail("tom.becker@acme-retail.example"),
				"phoneNumbers": crmPhone("main", "+14155550118"), "addresses": []obj{crmAddress("mailing", "1 Market St", "Floor 12", "San Francisco", "CA", "94105")},
				"lastActivityAt": "2024-06-12T09:15:00-05:00"},
			{"firstName": "Ana", "lastName": "Silva", "account": "acc_1002", "email": "ana.silva@globex.example", "emailAddresses": crmEmail("ana.silva@globex.example"),
				"phoneNumbers": crmPhone("mobile", "+12125550177"), "addresses": []obj{crmAddress("mailing", "350 5th Ave", "Suite 4100", "New York", "NY", "10118")},
				"lastActivityAt": "2024-06-18T05:30:00-05:00"},
		}},
		"crm/leads": {"lea", []obj{
			{"leadOwner": "usr_1001", "leadSource": "Website", "leadTitle": "Head of Purchasing", "company": "Initech", "firstName": "Bill", "lastName": "Lumbergh",
				"email": "bill@initech.example", "emailAddresses": crmEmail("bill@initech.example"), "phoneNumbers": crmPhone("main", "+15125550190"),
				"addresses": []obj{crmAddress("main", "4120 Freidrich Ln", "Building 2", "Austin", "TX", "78744")}},
			{"leadOwner": "usr_1002", "leadSource": "Trade show", "leadTitle": "Buyer", "company": "Umbrella Outfitters", "firstName": "Jill", "lastName": "Valentine",
				"email": "jill@umbrella-outfitters.example", "emailAddresses": crmEmail("jill@umbrella-outfitters.example"), "phoneNumbers": crmPhone("mobile", "+13035550134"),
				"addresses": []obj{crmAddress("main", "1600 Raccoon Ave", "Suite 1", "Denver", "CO", "80202")}},
		}},
		"crm/opportunities": {"opp", []obj{
			{"opportunityName": "Acme holiday order", "opportunityDescription": "Q4 stocking order for 40 stores", "amount": 48000, "opportunityOwner": "usr_1001",
				"opportunityAccount": "acc_1001", "opportunityStage": "contractsent", "opportunityStatus": "OPEN", "closeDate": "2024-09-30", "lastActivityAt": "2024-06-20T10:00:00-05:00"},
			{"opportunityName": "Globex pilot", "opportunityDescription": "Ten-store pilot in the Midwest", "amount": 9500, "opportunityOwner": "usr_1002",
				"opportunityAccount": "acc_1002", "opportunityStage": "closedwon", "opportunityStatus": "WON", "closeDate": "2024-06-15", "lastActivityAt": "2024-06-18T05:30:00-05:00"},
		}},
		"crm/notes": {"not", []obj{
			{"noteOwner": "usr_1001", "noteTitle": "Call recap", "noteContent": "Priya wants sock and tote samples before committing to the holiday order.",
				"noteContact": "con_1001", "noteAccount": "acc_1001", "noteOpportunity": "opp_1001"},
			{"noteOwner": "usr_1002", "noteTitle": "Pilot stores", "noteContent": "Ana confirmed the pilot runs in the ten Midwest stores from 1 July.",
				"noteContact": "con_1003", "noteAccount": "acc_1002", "noteOpportunity": "opp_1002"},
		}},
		"crm/tasks": {"tsk", []obj{
			{"taskSubject": "Send samples", "taskContent": "Ship the sock and tote samples to Priya.", "taskOwner": "usr_1001", "taskOpportunity": "opp_1001",
				"dueDate": "2024-06-24", "completedDate": "2024-06-21", "taskStatus": "COMPLETED"},
			{"taskSubject": "Kick-off call", "taskContent": "Pilot kick-off with the Globex store managers.", "taskOwner": "usr_1002", "taskOpportunity": "opp_1002",
				"dueDate": "2024-06-10", "completedDate": "2024-06-10", "taskStatus": "COMPLETED"},
		}},
		"crm/users": {"usr", []obj{user("Rosa", "Diaz"), user("Kenji", "Mori")}},
	}
}

// sampleCache holds the completed sample records, built once.
var sampleCache struct {
	once      sync.Once
	records   map[string][]map[string]any
	generated map[string][]string // collection path -> properties generated, not hand-tuned
}

// samples returns the sample records a new connection holds, by
// collection path, oldest first, as canonical records (numbers as
// json.Number): fresh copies on every call.
func samples() map[string][]map[string]any {
	sampleCache.once.Do(func() { sampleCache.records, sampleCache.generated = buildSamples() })
	out := make(map[string][]map[string]any, len(sampleCache.records))
	for path, recs := range sampleCache.records {
		for _, r := range recs {
			out[path] = append(out[path], deepCopy(r).(map[string]any))
		}
	}
	return out
}

// firstSample returns the first sample record of a collection, or nil: the
// cached record itself, which the caller must not change.
func firstSample(path string) map[string]any {
	sampleCache.once.Do(func() { sampleCache.records, sampleCache.generated = buildSamples() })
	if recs := sampleCache.records[path]; len(recs) > 0 {
		return recs[0]
	}
	return nil
}

// buildSamples completes the hand-tuned data into canonical records for
// every collection, and says which properties it had to generate.
func buildSamples() (map[string][]map[string]any, map[string][]string) {
	hand := handSamples()
	out := map[string][]map[string]any{}
	generated := map[string][]string{}
	for i := range collections {
		c := &collections[i]
		set := hand[c.path]
		u := c.union()
		g := &generator{}
		for n, lit := range set.records {
			id, remote, created, updated := sampleMeta(set.prefix, n)
			rec := map[string]any{"id": id, "remoteId": remote,
				fieldRemoteCreatedAt: syncTime(created), fieldRemoteUpdatedAt: syncTime(updated),
				fieldCreatedAt: syncTime(sampleSyncedAt), fieldUpdatedAt: syncTime(sampleSyncedAt), fieldRemoteDeleted: false}
			for _, name := range sortedProps(u) {
				p := u.Properties[name].Value
				if p == nil || writeOnly(p) || unit(p) != "" || slices.Contains(serverFields, name) {
					continue
				}
				v, tuned := lit[name]
				if tuned && v == nil { // a hierarchy's root
					rec[name] = nil
					continue
				}
				rec[name] = g.fill(p, v, name)
			}
			out[c.path] = append(out[c.path], jsonValue(rec).(map[string]any))
		}
		generated[c.path] = slices.Compact(slices.Sorted(slices.Values(g.generated)))
	}
	return out, generated
}

func sortedProps(s *openapi3.Schema) []string {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// generator fills a value to fit a schema, generating what the
// hand-tuned data lacks, and keeps the paths it generated.
type generator struct{ generated []string }

// fill makes the hand-tuned value v fit s: the first alternative that
// fits; an object's documented properties, each filled (undocumented keys
// dropped); an array's items; a scalar coerced to the schema's type. A
// missing value, or one that fits in no way, is generated.
func (g *generator) fill(s *openapi3.Schema, v any, path string) any {
	s = contract.Flat(s)
	if a, ok := v.(alts); ok {
		for _, c := range a { // the first that fits as it is
			try := &generator{}
			if r := try.fill(s, c, path); fits(s, r) && len(try.generated) == 0 {
				return r
			}
		}
		return g.fill(s, a[0], path) // completed where it falls short
	}
	if v == nil {
		return g.generate(s, path)
	}
	switch {
	case len(s.Properties) > 0:
		m, ok := v.(map[string]any)
		if !ok {
			return g.generate(s, path)
		}
		out := map[string]any{}
		for _, name := range sortedProps(s) {
			if p := s.Properties[name].Value; p != nil && !writeOnly(p) {
				out[name] = g.fill(p, m[name], path+"."+name)
			}
		}
		return out
	case s.Type.Is(openapi3.TypeArray):
		arr, ok := elements(v)
		if !ok {
			return g.generate(s, path)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = jsonValue(e)
			if s.Items != nil && s.Items.Value != nil {
				out[i] = g.fill(s.Items.Value, e, path+"[]")
			}
		}
		return out
	}
	if r := coerce(s, jsonValue(v)); fits(s, r) {
		return r
	}
	return g.generate(s, path)
}

// exampleIn finds an example value in the contract's notes: `example
// "USD"`, `example 1589865701`, `examples "Active" (...)`.
var exampleIn = regexp.MustCompile(`examples?:?\s+("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|\[[^\]]*\]|\{[^}]*\})`)

// generate makes a value for a property the hand-tuned data does not
// fill, from the contract: the schema's example, an example quoted in its
// notes (x-alloy-example, x-alloy-note, x-alloy-format), its first enum
// value, its format, then its type and name. Empty examples ("", [], {})
// are skipped: they show a remote app without a value.
func (g *generator) generate(s *openapi3.Schema, path string) any {
	s = contract.Flat(s)
	g.generated = append(g.generated, path)
	var candidates []any
	if s.Example != nil {
		candidates = append(candidates, s.Example)
	}
	for _, ext := range []string{"x-alloy-example", "x-alloy-note", "x-alloy-format"} {
		text, _ := s.Extensions[ext].(string)
		var direct any
		if ext == "x-alloy-example" && json.Unmarshal([]byte(text), &direct) == nil {
			candidates = append(candidates, direct)
		}
		for _, m := range exampleIn.FindAllStringSubmatch(text, -1) {
			var ex any
			if json.Unmarshal([]byte(m[1]), &ex) == nil {
				candidates = append(candidates, ex)
			}
		}
	}
	candidates = append(candidates, s.Enum...)
	for _, c := range candidates {
		if empty(c) {
			continue
		}
		if r := coerce(s, jsonValue(c)); fits(s, r) && !empty(r) {
			return r
		}
	}
	name := path[strings.LastIndexAny(path, ".]")+1:]
	switch {
	case len(s.Properties) > 0:
		out := map[string]any{}
		for _, p := range sortedProps(s) {
			if ps := s.Properties[p].Value; ps != nil && !writeOnly(ps) {
				out[p] = g.generate(ps, path+"."+p)
			}
		}
		return out
	case s.Type.Is(openapi3.TypeArray):
		if s.Items == nil || s.Items.Value == nil {
			return []any{"sample " + name}
		}
		return []any{g.generate(s.Items.Value, path+"[]")}
	}
	for _, t := range append(schemaTypes(s), openapi3.TypeString) {
		switch t {
		case openapi3.TypeNumber, openapi3.TypeInteger:
			return json.Number("1")
		case openapi3.TypeBoolean:
			return false
		case openapi3.TypeObject:
			return map[string]any{}
		case openapi3.TypeString:
			return sampleString(s, name)
		}
	}
	return nil
}

// sampleString makes up a string for a property from its format and name.
func sampleString(s *openapi3.Schema, name string) string {
	format, _ := s.Extensions["x-alloy-format"].(string)
	lower := strings.ToLower(name)
	switch {
	case s.Format == "date" || strings.HasPrefix(format, "YYYY-MM-DD") || strings.HasSuffix(name, "Date"):
		return "2024-06-03"
	case s.Format == "date-time" || strings.HasPrefix(format, "ISO 8601") || strings.HasSuffix(name, "At"):
		return "2024-06-03T09:30:00.000Z"
	case strings.Contains(lower, "email"):
		return "ops@northwind-goods.example"
	case strings.Contains(lower, "url") || strings.Contains(lower, "website"):
		return "https://northwind-goods.example"
	case strings.Contains(lower, "phone"):
		return "+15125550100"
	case strings.Contains(lower, "currency"):
		return "USD"
	case strings.HasSuffix(name, "Id"):
		return strings.TrimSuffix(name, "Id") + "_1001"
	}
	return "Sample " + name
}

// elements returns the elements of a Go slice of the sample data ([]obj,
// []string, []any), keeping alternatives (alts) in them as they are.
func elements(v any) ([]any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// empty reports whether v is an empty example: null, "", [] or {}.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// fits reports whether v validates against s.
func fits(s *openapi3.Schema, v any) bool {
	return v != nil && s.VisitJSON(v, openapi3.EnableFormatValidation()) == nil
}

// jsonValue returns v as decoded JSON, numbers as json.Number: Go
// literals (ints, []string, []obj) become what the store keeps.
func jsonValue(v any) any {
	switch v.(type) {
	case nil, string, bool, json.Number:
		return v
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Map && rv.Len() == 0 {
		return map[string]any{}
	}
	b, err := json.Marshal(firstAlts(v))
	if err != nil {
		return v
	}
	var out any
	if decodeNumbers(b, &out) != nil {
		return v
	}
	return out
}

// firstAlts replaces every alternative in v with its first value: in an
// open object, which no schema says more about.
func firstAlts(v any) any {
	switch x := v.(type) {
	case alts:
		if len(x) == 0 {
			return nil
		}
		return firstAlts(x[0])
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = firstAlts(e)
		}
		return out
	}
	if arr, ok := elements(v); ok {
		for i, e := range arr {
			arr[i] = firstAlts(e)
		}
		return arr
	}
	return v
}

// deepCopy copies decoded JSON.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}
