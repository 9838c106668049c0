package unified

import "encoding/json"

// Accounting is the unified accounting API (QuickBooks, NetSuite, Xero, ...).
type Accounting struct {
	CompanyInfo        *ReadResource[CompanyInfo]
	Accounts           *Resource[Account]
	Customers          *Resource[AccountingCustomer]
	Vendors            *Resource[Vendor]
	TaxRates           *ReadResource[TaxRate]
	TrackingCategories *ReadResource[TrackingCategory]
	Items              *Resource[Item]
	PurchaseOrders     *Resource[PurchaseOrder]
	Bills              *Resource[Bill]
	Invoices           *Resource[Invoice]
	Payments           *Resource[Payment]
	SalesOrders        *Resource[SalesOrder]
}

func newAccounting(u *Client) *Accounting {
	return &Accounting{
		CompanyInfo:        &ReadResource[CompanyInfo]{u.resource("Accounting", "CompanyInfo")},
		Accounts:           &Resource[Account]{u.resource("Accounting", "Accounts")},
		Customers:          &Resource[AccountingCustomer]{u.resource("Accounting", "Customers")},
		Vendors:            &Resource[Vendor]{u.resource("Accounting", "Vendors")},
		TaxRates:           &ReadResource[TaxRate]{u.resource("Accounting", "TaxRates")},
		TrackingCategories: &ReadResource[TrackingCategory]{u.resource("Accounting", "TrackingCategories")},
		Items:              &Resource[Item]{u.resource("Accounting", "Items")},
		PurchaseOrders:     &Resource[PurchaseOrder]{u.resource("Accounting", "PurchaseOrders")},
		Bills:              &Resource[Bill]{u.resource("Accounting", "Bills")},
		Invoices:           &Resource[Invoice]{u.resource("Accounting", "Invoices")},
		Payments:           &Resource[Payment]{u.resource("Accounting", "Payments")},
		SalesOrders:        &Resource[SalesOrder]{u.resource("Accounting", "SalesOrders")},
	}
}

// CompanyInfo describes the company the books belong to.
type CompanyInfo struct {
	Record
	CompanyName         string          `json:"companyName,omitempty"`
	CompanyLegalName    string          `json:"companyLegalName,omitempty"`
	TaxNumber           string          `json:"taxNumber,omitempty"`
	FiscalYearEndMonth  int             `json:"fiscalYearEndMonth,omitempty"`
	FiscalYearEndDay    int             `json:"fiscalYearEndDay,omitempty"`
	Currency            string          `json:"currency,omitempty"`
	CompanyURLs         json.RawMessage `json:"companyUrls,omitempty"`
	CompanyAddresses    json.RawMessage `json:"companyAddresses,omitempty"`
	CompanyPhoneNumbers json.RawMessage `json:"companyPhoneNumbers,omitempty"`
}

// Account is a ledger account of the chart of accounts.
type Account struct {
	Record
	AccountName        string  `json:"accountName,omitempty"`
	AccountDescription string  `json:"accountDescription,omitempty"`
	Classification     string  `json:"classification,omitempty"` // e.g. ASSET, LIABILITY
	AccountType        string  `json:"accountType,omitempty"`
	AccountStatus      string  `json:"accountStatus,omitempty"`
	CurrentBalance     Decimal `json:"currentBalance,omitzero"`
	AccountNumber      string  `json:"accountNumber,omitempty"`
	ParentAccountID    string  `json:"parentAccountId,omitempty"`
	CompanyID          string  `json:"companyId,omitempty"`
}

// AccountingCustomer is a customer in the books.
type AccountingCustomer struct {
	Record
	CustomerName   string          `json:"customerName,omitempty"`
	Email          string          `json:"email,omitempty"`
	TaxNumber      string          `json:"taxNumber,omitempty"`
	CustomerStatus string          `json:"customerStatus,omitempty"`
	Currency       string          `json:"currency,omitempty"`
	CompanyID      string          `json:"companyId,omitempty"`
	Addresses      json.RawMessage `json:"addresses,omitempty"`
	PhoneNumbers   json.RawMessage `json:"phoneNumbers,omitempty"`
}

// Vendor is a supplier in the books.
type Vendor struct {
	Record
	VendorName   string          `json:"vendorName,omitempty"`
	Email        string          `json:"email,omitempty"`
	TaxNumber    string          `json:"taxNumber,omitempty"`
	VendorStatus string          `json:"vendorStatus,omitempty"`
	Currency     string          `json:"currency,omitempty"`
	CompanyID    string          `json:"companyId,omitempty"`
	Addresses    json.RawMessage `json:"addresses,omitempty"`
	PhoneNumbers json.RawMessage `json:"phoneNumbers,omitempty"`
}

// TaxRate is a tax rate.
type TaxRate struct {
	Record
	Description      string  `json:"description,omitempty"`
	TotalTaxRate     Decimal `json:"totalTaxRate,omitzero"`
	EffectiveTaxRate Decimal `json:"effectiveTaxRate,omitzero"`
	CompanyID        string  `json:"companyId,omitempty"`
}

// TrackingCategory is a class, department or location for reporting.
type TrackingCategory struct {
	Record
	TrackingCategoryName   string `json:"trackingCategoryName,omitempty"`
	TrackingCategoryStatus string `json:"trackingCategoryStatus,omitempty"`
	TrackingCategoryType   string `json:"trackingCategoryType,omitempty"`
	ParentCategoryID       string `json:"parentCategoryId,omitempty"`
	CompanyID              string `json:"companyId,omitempty"`
}

// Item is a product or service that is bought or sold.
type Item struct {
	Record
	ItemName         string  `json:"itemName,omitempty"`
	ItemStatus       string  `json:"itemStatus,omitempty"`
	ItemType         string  `json:"itemType,omitempty"`
	UnitPrice        Decimal `json:"unitPrice,omitzero"`
	PurchasePrice    Decimal `json:"purchasePrice,omitzero"`
	QtyOnHand        Decimal `json:"qtyOnHand,omitzero"`
	BillAccountID    string  `json:"billAccountId,omitempty"`
	InvoiceAccountID string  `json:"invoiceAccountId,omitempty"`
	AssetAccountID   string  `json:"assetAccountId,omitempty"`
	CompanyID        string  `json:"companyId,omitempty"`
}

// PurchaseOrder is an order placed with a vendor.
type PurchaseOrder struct {
	Record
	PurchaseOrderStatus string          `json:"purchaseOrderStatus,omitempty"`
	PurchaseOrderNumber string          `json:"purchaseOrderNumber,omitempty"`
	IssueDate           Timestamp       `json:"issueDate,omitzero"`
	DeliveryDate        Timestamp       `json:"deliveryDate,omitzero"`
	DeliveryAddress     *Address        `json:"deliveryAddress,omitempty"`
	VendorID            string          `json:"vendorId,omitempty"`
	AccountID           string          `json:"accountId,omitempty"`
	Memo                string          `json:"memo,omitempty"`
	CompanyID           string          `json:"companyId,omitempty"`
	TotalAmount         Decimal         `json:"totalAmount,omitzero"`
	Currency            string          `json:"currency,omitempty"`
	ExchangeRate        Decimal         `json:"exchangeRate,omitzero"`
	LineItems           json.RawMessage `json:"lineItems,omitempty"`
	TrackingCategoryIDs []string        `json:"trackingCategoryIds,omitempty"`
}

// Bill is a vendor's bill (accounts payable).
type Bill struct {
	Record
	VendorID   string `json:"vendorId,omitempty"`
	BillNumber string `json:"billNumber,omitempty"`
	BillStatus string `json:"billStatus,omitempty"`
	document
}

// Invoice is an invoice to a customer (accounts receivable).
type Invoice struct {
	Record
	CustomerID    string `json:"customerId,omitempty"`
	InvoiceNumber string `json:"invoiceNumber,omitempty"`
	InvoiceStatus string `json:"invoiceStatus,omitempty"`
	document
}

// document holds the fields bills and invoices share.
type document struct {
	IssueDate          Timestamp       `json:"issueDate,omitzero"`
	DueDate            Timestamp       `json:"dueDate,omitzero"`
	PaidOnDate         Timestamp       `json:"paidOnDate,omitzero"`
	Memo               string          `json:"memo,omitempty"`
	CompanyID          string          `json:"companyId,omitempty"`
	Currency           string          `json:"currency,omitempty"`
	ExchangeRate       Decimal         `json:"exchangeRate,omitzero"`
	TotalDiscount      Decimal         `json:"totalDiscount,omitzero"`
	SubTotal           Decimal         `json:"subTotal,omitzero"`
	TotalTaxAmount     Decimal         `json:"totalTaxAmount,omitzero"`
	TotalAmount        Decimal         `json:"totalAmount,omitzero"`
	Balance            Decimal         `json:"balance,omitzero"`
	TrackingCategories json.RawMessage `json:"trackingCategories,omitempty"`
	LineItems          json.RawMessage `json:"lineItems,omitempty"`
	PurchaseOrders     json.RawMessage `json:"purchaseOrders,omitempty"`
}

// Payment is a payment received or made.
type Payment struct {
	Record
	TransactionDate     Timestamp `json:"transactionDate,omitzero"`
	CustomerID          string    `json:"customerId,omitempty"`
	VendorID            string    `json:"vendorId,omitempty"`
	AccountID           string    `json:"accountId,omitempty"`
	Currency            string    `json:"currency,omitempty"`
	ExchangeRate        Decimal   `json:"exchangeRate,omitzero"`
	CompanyID           string    `json:"companyId,omitempty"`
	TotalAmount         Decimal   `json:"totalAmount,omitzero"`
	TrackingCategoryIDs []string  `json:"trackingCategoryIds,omitempty"`
}

// SalesOrder is a customer's order in the books.
type SalesOrder struct {
	Record
	SalesOrderStatus    string          `json:"salesOrderStatus,omitempty"`
	SalesOrderNumber    string          `json:"salesOrderNumber,omitempty"`
	IssueDate           Timestamp       `json:"issueDate,omitzero"`
	DeliveryDate        Timestamp       `json:"deliveryDate,omitzero"`
	PaidOnDate          Timestamp       `json:"paidOnDate,omitzero"`
	DeliveryAddress     *Address        `json:"deliveryAddress,omitempty"`
	CustomerID          string          `json:"customerId,omitempty"`
	AccountID           string          `json:"accountId,omitempty"`
	Memo                string          `json:"memo,omitempty"`
	CompanyID           string          `json:"companyId,omitempty"`
	TotalAmount         Decimal         `json:"totalAmount,omitzero"`
	TotalTaxAmount      Decimal         `json:"totalTaxAmount,omitzero"`
	Currency            string          `json:"currency,omitempty"`
	ExchangeRate        Decimal         `json:"exchangeRate,omitzero"`
	LineItems           json.RawMessage `json:"lineItems,omitempty"`
	TrackingCategoryIDs []string        `json:"trackingCategoryIds,omitempty"`
}
