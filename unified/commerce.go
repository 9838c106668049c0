package unified

import (
	"bytes"
	"encoding/json"
)

// Commerce is the unified commerce API (Shopify, BigCommerce, Magento, ...).
type Commerce struct {
	Customers *CRUDResource[Customer]
	Orders    *CRUDResource[Order]
	Products  *CRUDResource[Product]
	u         *Client
}

func newCommerce(u *Client) *Commerce {
	return &Commerce{
		Customers: &CRUDResource[Customer]{u.resource("Commerce", "Customers")},
		Orders:    &CRUDResource[Order]{u.resource("Commerce", "Orders")},
		Products:  &CRUDResource[Product]{u.resource("Commerce", "Products")},
		u:         u,
	}
}

// Variants are the variants of one product.
// /one/commerce/products/{productId}/variants
func (c *Commerce) Variants(productID string) *CRUDResource[Variant] {
	return &CRUDResource[Variant]{c.u.resource("Commerce", "Variants", productID)}
}

// Fulfillments are the fulfillments of one order; they can be listed,
// read and counted. /one/commerce/orders/{orderId}/fulfillments
func (c *Commerce) Fulfillments(orderID string) *ReadResource[Fulfillment] {
	return &ReadResource[Fulfillment]{c.u.resource("Commerce", "Fulfillments", orderID)}
}

// Customer is a shop's customer.
type Customer struct {
	Record
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"` // with the country code, e.g. "+18993578861"
}

// Order is a shop's order. Its totals are strings on the wire ("1000.00"),
// as the orders pages type them.
type Order struct {
	Record
	OrderNumber       string          `json:"orderNumber,omitempty"`
	OrderStatus       string          `json:"orderStatus,omitempty"`       // e.g. "Active", "Pending"
	FulfillmentStatus string          `json:"fulfillmentStatus,omitempty"` // e.g. "unfulfilled"
	PaymentStatus     string          `json:"paymentStatus,omitempty"`     // e.g. "Paid"
	TotalShipping     Decimal         `json:"totalShipping,omitzero" decimal:"string"`
	TotalDiscount     Decimal         `json:"totalDiscount,omitzero" decimal:"string"`
	TotalTax          Decimal         `json:"totalTax,omitzero" decimal:"string"`
	TotalPrice        Decimal         `json:"totalPrice,omitzero" decimal:"string"`
	Currency          string          `json:"currency,omitempty"`
	LineItems         []OrderLineItem `json:"lineItems,omitempty"`
	Customer          *OrderCustomer  `json:"customer,omitempty"`
	// BillingAddress and ShippingAddress are what Alloy's Node SDK sends
	// and reads; no page documents their fields.
	BillingAddress  *OrderAddress `json:"billingAddress,omitempty"`
	ShippingAddress *OrderAddress `json:"shippingAddress,omitempty"`
}

// MarshalJSON sends the totals as strings, as the orders pages type them.
func (o Order) MarshalJSON() ([]byte, error) {
	type plain Order
	return marshalModel(plain(o))
}

// OrderLineItem is one line of an order.
type OrderLineItem struct {
	Quantity  Decimal `json:"quantity,omitzero"` // a whole number
	ProductID string  `json:"productId,omitempty"`
	Price     Decimal `json:"price,omitzero" decimal:"string"`
	UnitCost  Decimal `json:"unitCost,omitzero" decimal:"string"`
	Currency  string  `json:"currency,omitempty"`
	VariantID string  `json:"variantId,omitempty"`
	Title     string  `json:"title,omitempty"`
	SKU       string  `json:"sku,omitempty"`
}

// MarshalJSON sends the price and unit cost as strings, as get-order types
// them.
func (l OrderLineItem) MarshalJSON() ([]byte, error) {
	type plain OrderLineItem
	return marshalModel(plain(l))
}

// OrderCustomer is the buyer as the order records it.
type OrderCustomer struct {
	CustomerID string `json:"customerId,omitempty"` // the shop's id of the customer
	FirstName  string `json:"firstName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
}

// OrderAddress is an order's billing or shipping address. Its names differ
// from the CRM and accounting addresses (address1, region, countryCode).
type OrderAddress struct {
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	Address1    string `json:"address1,omitempty"`
	City        string `json:"city,omitempty"`
	Region      string `json:"region,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	Phone       string `json:"phone,omitempty"`
}

// Product is a shop's product.
type Product struct {
	Record
	ProductName   string         `json:"productName,omitempty"`
	ProductType   string         `json:"productType,omitempty"`
	Description   string         `json:"description,omitempty"`
	ProductStatus string         `json:"productStatus,omitempty"` // e.g. "active"
	Vendor        string         `json:"vendor,omitempty"`
	ProductURL    string         `json:"productUrl,omitempty"`
	Images        []ProductImage `json:"images,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	// Variants are the product's variants. The products page shows them
	// with createdTimestamp and updatedTimestamp on every version.
	Variants []Variant `json:"variants,omitempty"`
}

// ProductImage is an image of a product.
type ProductImage struct {
	Src string `json:"src,omitempty"` // the image's URL
}

// Variant is one variant (size, colour, ...) of a product. Its price is a
// string on the wire ("25.00").
type Variant struct {
	Record
	ProductID    string        `json:"productId,omitempty"`
	Title        string        `json:"title,omitempty"`
	Price        Decimal       `json:"price,omitzero" decimal:"string"`
	SKU          string        `json:"sku,omitempty"`
	OptionValues []OptionValue `json:"optionValues,omitempty"`
	Inventory    *Inventory    `json:"inventory,omitempty"`
	Weight       *Weight       `json:"weight,omitempty"`
}

// MarshalJSON sends the price as a string, as the variants pages type it.
func (v Variant) MarshalJSON() ([]byte, error) {
	type plain Variant
	return marshalModel(plain(v))
}

// OptionValue is one option of a variant, e.g. {Name: "Size", Value: "Medium"}.
type OptionValue struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

// Inventory is a variant's stock.
type Inventory struct {
	TotalCount int `json:"totalCount"` // units in stock; 0 is sent
}

// Weight is a variant's weight, e.g. {Value: "100", Unit: "kg"}.
//
// The pages type it as one object. The 2024-03 variants page's example
// sends an array of the same weight in several units (kg, g, oz, lb): a
// Weight reads the first of them, and the variant's Raw keeps them all.
type Weight struct {
	Value Decimal `json:"value,omitzero"`
	Unit  string  `json:"unit,omitempty"`
}

// UnmarshalJSON reads an object, or the first object of an array.
func (w *Weight) UnmarshalJSON(b []byte) error {
	type weight Weight // without this method
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var all []weight
		if err := json.Unmarshal(b, &all); err != nil {
			return err
		}
		*w = Weight{}
		if len(all) > 0 {
			*w = Weight(all[0])
		}
		return nil
	}
	return json.Unmarshal(b, (*weight)(w))
}

// Fulfillment is a shipment of an order.
type Fulfillment struct {
	Record
	OrderID         string                `json:"orderId,omitempty"` // Alloy's id of the order
	Carrier         string                `json:"carrier,omitempty"` // e.g. "UPS", "USPS", "Canada Post": any text
	TrackingNumbers []string              `json:"trackingNumbers,omitempty"`
	TrackingURLs    []string              `json:"trackingUrls,omitempty"`
	LineItems       []FulfillmentLineItem `json:"lineItems,omitempty"`
}

// FulfillmentLineItem is a line of the order that a fulfillment ships.
type FulfillmentLineItem struct {
	LineItemID string  `json:"lineItemId,omitempty"`
	Quantity   Decimal `json:"quantity,omitzero"`
	ProductID  string  `json:"productId,omitempty"`
	VariantID  string  `json:"variantId,omitempty"`
	Price      Decimal `json:"price,omitzero" decimal:"string"`
	Title      string  `json:"title,omitempty"`
	SKU        string  `json:"sku,omitempty"`
}

// MarshalJSON sends the price as a string, as the fulfillments page shows
// it.
func (l FulfillmentLineItem) MarshalJSON() ([]byte, error) {
	type plain FulfillmentLineItem
	return marshalModel(plain(l))
}
