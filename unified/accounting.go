package unified

// Accounting is the unified accounting API (QuickBooks, NetSuite, Xero, ...).
//
// Amounts are JSON numbers on the wire (an invoice's totalAmount 100), as
// the accounting pages type them, except where a page types one a string
// (an invoice's subTotal and totalDiscount). Dates are calendar dates
// (Date, "YYYY-MM-DD").
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

// AccountingAddress is an address of an accounting record (AccountingAddress
// on the sales-order page). Its postal code is ZipCode, where CRMAddress
// has PostalCode: the accounting pages and SDKs write zipCode.
type AccountingAddress struct {
	AddressType        string `json:"addressType,omitempty"` // e.g. "BILLING"
	Street1            string `json:"street1,omitempty"`
	Street2            string `json:"street2,omitempty"`
	City               string `json:"city,omitempty"`
	State              string `json:"state,omitempty"`
	Country            string `json:"country,omitempty"` // e.g. "US"
	CountrySubdivision string `json:"countrySubdivision,omitempty"`
	ZipCode            string `json:"zipCode,omitempty"`
}

// CompanyInfo describes the company the books belong to.
type CompanyInfo struct {
	Record
	CompanyName         string              `json:"companyName,omitempty"`
	CompanyLegalName    string              `json:"companyLegalName,omitempty"`
	TaxNumber           string              `json:"taxNumber,omitempty"`
	FiscalYearEndMonth  int                 `json:"fiscalYearEndMonth,omitempty"`
	FiscalYearEndDay    int                 `json:"fiscalYearEndDay,omitempty"`
	Currency            string              `json:"currency,omitempty"`
	CompanyURLs         []string            `json:"companyUrls,omitempty"`
	CompanyAddresses    []AccountingAddress `json:"companyAddresses,omitempty"`
	CompanyPhoneNumbers []PhoneNumber       `json:"companyPhoneNumbers,omitempty"`
}

// Account is a ledger account of the chart of accounts.
type Account struct {
	Record
	AccountName        string  `json:"accountName,omitempty"`
	AccountDescription string  `json:"accountDescription,omitempty"`
	Classification     string  `json:"classification,omitempty"` // ASSET, EQUITY, EXPENSE, LIABILITY, REVENUE
	AccountType        string  `json:"accountType,omitempty"`    // e.g. BANK, ACCOUNTS_PAYABLE
	AccountStatus      string  `json:"accountStatus,omitempty"`  // ACTIVE, INACTIVE
	CurrentBalance     Decimal `json:"currentBalance,omitzero"`
	Currency           string  `json:"currency,omitempty"`
	AccountNumber      string  `json:"accountNumber,omitempty"`
	ParentAccountID    string  `json:"parentAccountId,omitempty"`
	CompanyID          string  `json:"companyId,omitempty"`
}

// AccountingCustomer is a customer in the books.
type AccountingCustomer struct {
	Record
	CustomerName   string              `json:"customerName,omitempty"`
	Email          string              `json:"email,omitempty"`
	TaxNumber      string              `json:"taxNumber,omitempty"`
	CustomerStatus string              `json:"customerStatus,omitempty"`
	Currency       string              `json:"currency,omitempty"`
	CompanyID      string              `json:"companyId,omitempty"`
	Addresses      []AccountingAddress `json:"addresses,omitempty"`
	PhoneNumbers   []PhoneNumber       `json:"phoneNumbers,omitempty"`
}

// Vendor is a supplier in the books.
type Vendor struct {
	Record
	VendorName   string              `json:"vendorName,omitempty"`
	Email        string              `json:"email,omitempty"`
	TaxNumber    string              `json:"taxNumber,omitempty"`
	VendorStatus string              `json:"vendorStatus,omitempty"` // e.g. "ACTIVE"
	Currency     string              `json:"currency,omitempty"`
	CompanyID    string              `json:"companyId,omitempty"`
	Addresses    []AccountingAddress `json:"addresses,omitempty"`
	PhoneNumbers []PhoneNumber       `json:"phoneNumbers,omitempty"`
}

// TaxRate is a tax rate.
type TaxRate struct {
	Record
	Description      string  `json:"description,omitempty"` // e.g. "Sales Tax"
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
	ItemStatus       string  `json:"itemStatus,omitempty"` // ACTIVE, ARCHIVED
	ItemType         string  `json:"itemType,omitempty"`   // SERVICE, NON_INVENTORY, INVENTORY
	ItemCategory     string  `json:"itemCategory,omitempty"`
	UnitPrice        Decimal `json:"unitPrice,omitzero"`
	PurchasePrice    Decimal `json:"purchasePrice,omitzero"`
	QtyOnHand        Decimal `json:"qtyOnHand,omitzero"`
	BillAccountID    string  `json:"billAccountId,omitempty"`
	InvoiceAccountID string  `json:"invoiceAccountId,omitempty"`
	AssetAccountID   string  `json:"assetAccountId,omitempty"`
	CompanyID        string  `json:"companyId,omitempty"`
}

// PurchaseOrder is an order placed with a vendor. No page documents it:
// its fields are those Alloy's Node SDK reads, whose older tests name the
// status and number poStatus and poNumber (read too).
type PurchaseOrder struct {
	Record
	PurchaseOrderStatus string                  `json:"purchaseOrderStatus,omitempty" wire:"poStatus"`
	PurchaseOrderNumber string                  `json:"purchaseOrderNumber,omitempty" wire:"poNumber"`
	IssueDate           Date                    `json:"issueDate,omitzero"`
	DeliveryDate        Date                    `json:"deliveryDate,omitzero"`
	DeliveryAddress     *AccountingAddress      `json:"deliveryAddress,omitempty"`
	VendorID            string                  `json:"vendorId,omitempty"`
	AccountID           string                  `json:"accountId,omitempty"`
	Memo                string                  `json:"memo,omitempty"`
	CompanyID           string                  `json:"companyId,omitempty"`
	TotalAmount         Decimal                 `json:"totalAmount,omitzero"`
	Currency            string                  `json:"currency,omitempty"`
	ExchangeRate        Decimal                 `json:"exchangeRate,omitzero"`
	LineItems           []PurchaseOrderLineItem `json:"lineItems,omitempty"`
	TrackingCategoryIDs []string                `json:"trackingCategoryIds,omitempty"`
}

// UnmarshalJSON reads the record, and poStatus and poNumber where it has no
// purchaseOrderStatus or purchaseOrderNumber.
func (o *PurchaseOrder) UnmarshalJSON(b []byte) error {
	type plain PurchaseOrder
	return unmarshalModel(b, (*plain)(o))
}

// PurchaseOrderLineItem is one line of a purchase order. Its total is
// totalLineAmount, where the other lines say totalAmount.
type PurchaseOrderLineItem struct {
	ID                  string   `json:"id,omitempty"`
	RemoteID            string   `json:"remoteId,omitempty"`
	Description         string   `json:"description,omitempty"`
	UnitPrice           Decimal  `json:"unitPrice,omitzero"`
	Quantity            Decimal  `json:"quantity,omitzero"`
	AccountingItemID    string   `json:"accountingItemId,omitempty"`
	AccountID           string   `json:"accountId,omitempty"`
	TrackingCategoryID  string   `json:"trackingCategoryId,omitempty"`
	TaxAmount           Decimal  `json:"taxAmount,omitzero"`
	TotalLineAmount     Decimal  `json:"totalLineAmount,omitzero"`
	Currency            string   `json:"currency,omitempty"`
	TrackingCategoryIDs []string `json:"trackingCategoryIds,omitempty"`
}

// Bill is a vendor's bill (accounts payable).
type Bill struct {
	Record
	VendorID string `json:"vendorId,omitempty"`
	// BillNumber is a Number on the bill page; Alloy's SDK sends text
	// ("PLDT-001"). Code sends a number as a number, other text as text.
	BillNumber Code   `json:"billNumber,omitzero"`
	BillStatus string `json:"billStatus,omitempty"`
	// CompanyID is a Number on the bill page (a String on the others).
	CompanyID      Code           `json:"companyId,omitzero"`
	IssueDate      Date           `json:"issueDate,omitzero"`
	DueDate        Date           `json:"dueDate,omitzero"`
	PaidOnDate     Date           `json:"paidOnDate,omitzero"`
	Memo           string         `json:"memo,omitempty"`
	Currency       string         `json:"currency,omitempty"`
	ExchangeRate   Decimal        `json:"exchangeRate,omitzero"`
	TotalDiscount  Decimal        `json:"totalDiscount,omitzero" decimal:"string"`
	SubTotal       Decimal        `json:"subTotal,omitzero" decimal:"string"`
	TotalTaxAmount Decimal        `json:"totalTaxAmount,omitzero"`
	TotalAmount    Decimal        `json:"totalAmount,omitzero"`
	Balance        Decimal        `json:"balance,omitzero"`
	LineItems      []BillLineItem `json:"lineItems,omitempty"`
	// TrackingCategories and PurchaseOrders are empty in every example;
	// read as ids (or objects with an id), like trackingCategoryIds.
	TrackingCategories []Ref `json:"trackingCategories,omitempty"`
	PurchaseOrders     []Ref `json:"purchaseOrders,omitempty"`
}

// MarshalJSON sends subTotal and totalDiscount as strings, as the invoice's
// twins are typed.
func (b Bill) MarshalJSON() ([]byte, error) {
	type plain Bill
	return marshalModel(plain(b))
}

// BillLineItem is one line of a bill.
type BillLineItem struct {
	RemoteID    string  `json:"remoteId,omitempty"`
	Description string  `json:"description,omitempty"`
	TotalAmount Decimal `json:"totalAmount,omitzero"`
	AccountID   string  `json:"accountId,omitempty"`
}

// Invoice is an invoice to a customer (accounts receivable).
type Invoice struct {
	Record
	CustomerID     string  `json:"customerId,omitempty"`
	InvoiceNumber  string  `json:"invoiceNumber,omitempty"`
	InvoiceStatus  string  `json:"invoiceStatus,omitempty"`
	IssueDate      Date    `json:"issueDate,omitzero"`
	DueDate        Date    `json:"dueDate,omitzero"`
	PaidOnDate     Date    `json:"paidOnDate,omitzero"`
	Memo           string  `json:"memo,omitempty"`
	CompanyID      string  `json:"companyId,omitempty"`
	Currency       string  `json:"currency,omitempty"`
	ExchangeRate   Decimal `json:"exchangeRate,omitzero"`
	TotalDiscount  Decimal `json:"totalDiscount,omitzero" decimal:"string"`
	SubTotal       Decimal `json:"subTotal,omitzero" decimal:"string"`
	TotalTaxAmount Decimal `json:"totalTaxAmount,omitzero"`
	TotalAmount    Decimal `json:"totalAmount,omitzero"`
	Balance        Decimal `json:"balance,omitzero"`
	// TrackingCategories and PurchaseOrders are empty in every example;
	// read as ids (or objects with an id), like trackingCategoryIds.
	TrackingCategories []Ref             `json:"trackingCategories,omitempty"`
	PurchaseOrders     []Ref             `json:"purchaseOrders,omitempty"`
	LineItems          []InvoiceLineItem `json:"lineItems,omitempty"`
}

// MarshalJSON sends subTotal and totalDiscount as strings, as
// retrieve-invoice types them.
func (i Invoice) MarshalJSON() ([]byte, error) {
	type plain Invoice
	return marshalModel(plain(i))
}

// InvoiceLineItem is one line of an invoice.
type InvoiceLineItem struct {
	ID                  string   `json:"id,omitempty"`
	RemoteID            string   `json:"remoteId,omitempty"`
	Description         string   `json:"description,omitempty"`
	UnitPrice           Decimal  `json:"unitPrice,omitzero"`
	Quantity            Decimal  `json:"quantity,omitzero"`
	TotalAmount         Decimal  `json:"totalAmount,omitzero"`
	Currency            string   `json:"currency,omitempty"`
	ExchangeRate        Decimal  `json:"exchangeRate,omitzero"`
	AccountingItemID    string   `json:"accountingItemId,omitempty"`
	AccountID           string   `json:"accountId,omitempty"`
	TrackingCategoryID  string   `json:"trackingCategoryId,omitempty"`
	TrackingCategoryIDs []string `json:"trackingCategoryIds,omitempty"`
	CompanyID           string   `json:"companyId,omitempty"`
}

// Payment is a payment received or made.
type Payment struct {
	Record
	TransactionDate     Date     `json:"transactionDate,omitzero"`
	CustomerID          string   `json:"customerId,omitempty"`
	VendorID            string   `json:"vendorId,omitempty"`
	AccountID           string   `json:"accountId,omitempty"`
	Currency            string   `json:"currency,omitempty"`
	ExchangeRate        Decimal  `json:"exchangeRate,omitzero"`
	CompanyID           string   `json:"companyId,omitempty"`
	TotalAmount         Decimal  `json:"totalAmount,omitzero"`
	PaymentMethod       string   `json:"paymentMethod,omitempty"`
	TrackingCategoryIDs []string `json:"trackingCategoryIds,omitempty"`
}

// SalesOrder is a customer's order in the books.
type SalesOrder struct {
	Record
	SalesOrderStatus    string               `json:"salesOrderStatus,omitempty"` // e.g. OPEN, CLOSED
	SalesOrderNumber    string               `json:"salesOrderNumber,omitempty"`
	IssueDate           Date                 `json:"issueDate,omitzero"`
	DeliveryDate        Date                 `json:"deliveryDate,omitzero"`
	PaidOnDate          Date                 `json:"paidOnDate,omitzero"`
	DeliveryAddress     *AccountingAddress   `json:"deliveryAddress,omitempty"`
	CustomerID          string               `json:"customerId,omitempty"`
	AccountID           string               `json:"accountId,omitempty"`
	Memo                string               `json:"memo,omitempty"`
	CompanyID           string               `json:"companyId,omitempty"`
	TotalAmount         Decimal              `json:"totalAmount,omitzero"`
	TotalTaxAmount      Decimal              `json:"totalTaxAmount,omitzero"`
	Currency            string               `json:"currency,omitempty"`
	ExchangeRate        Decimal              `json:"exchangeRate,omitzero"`
	LineItems           []SalesOrderLineItem `json:"lineItems,omitempty"`
	TrackingCategoryIDs []string             `json:"trackingCategoryIds,omitempty"`
}

// SalesOrderLineItem is one line of a sales order.
type SalesOrderLineItem struct {
	ID string `json:"id,omitempty"`
	// RemoteID is a number in the sales-order page's example (1), where
	// every record's remoteId is a string.
	RemoteID            Code     `json:"remoteId,omitzero"`
	Description         string   `json:"description,omitempty"`
	UnitPrice           Decimal  `json:"unitPrice,omitzero"`
	Quantity            Decimal  `json:"quantity,omitzero"`
	AccountingItemID    string   `json:"accountingItemId,omitempty"`
	AccountID           string   `json:"accountId,omitempty"`
	TrackingCategoryID  string   `json:"trackingCategoryId,omitempty"`
	TaxAmount           Decimal  `json:"taxAmount,omitzero"`
	TotalAmount         Decimal  `json:"totalAmount,omitzero"`
	Currency            string   `json:"currency,omitempty"`
	TrackingCategoryIDs []string `json:"trackingCategoryIds,omitempty"`
}
