package unified

import "encoding/json"

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
	Phone     string `json:"phone,omitempty"`
}

// Order is a shop's order.
type Order struct {
	Record
	OrderNumber       string         `json:"orderNumber,omitempty"`
	OrderStatus       string         `json:"orderStatus,omitempty"`
	FulfillmentStatus string         `json:"fulfillmentStatus,omitempty"`
	PaymentStatus     string         `json:"paymentStatus,omitempty"`
	TotalShipping     Decimal        `json:"totalShipping,omitzero"`
	TotalDiscount     Decimal        `json:"totalDiscount,omitzero"`
	TotalTax          Decimal        `json:"totalTax,omitzero"`
	TotalPrice        Decimal        `json:"totalPrice,omitzero"`
	Currency          string         `json:"currency,omitempty"`
	LineItems         []LineItem     `json:"lineItems,omitempty"`
	BillingAddress    *Address       `json:"billingAddress,omitempty"`
	ShippingAddress   *Address       `json:"shippingAddress,omitempty"`
	Customer          *OrderCustomer `json:"customer,omitempty"`
}

// LineItem is one line of an order.
type LineItem struct {
	ID        string  `json:"id,omitempty"`
	Title     string  `json:"title,omitempty"`
	Price     Decimal `json:"price,omitzero"`
	Quantity  Decimal `json:"quantity,omitzero"`
	ProductID string  `json:"productId,omitempty"`
	VariantID string  `json:"variantId,omitempty"`
	SKU       string  `json:"sku,omitempty"`
}

// OrderCustomer is the buyer as recorded on an order.
type OrderCustomer struct {
	ID        string `json:"id,omitempty"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// Product is a shop's product.
type Product struct {
	Record
	ProductName   string          `json:"productName,omitempty"`
	ProductType   string          `json:"productType,omitempty"`
	Description   string          `json:"description,omitempty"`
	ProductStatus string          `json:"productStatus,omitempty"`
	Vendor        string          `json:"vendor,omitempty"`
	ProductURL    string          `json:"productUrl,omitempty"`
	Price         Decimal         `json:"price,omitzero"`
	Images        json.RawMessage `json:"images,omitempty"` // shape varies by provider
	Tags          json.RawMessage `json:"tags,omitempty"`   // a list or a comma-separated string
	Variants      []Variant       `json:"variants,omitempty"`
}

// Variant is one variant (size, colour, ...) of a product.
type Variant struct {
	Record
	ProductID    string          `json:"productId,omitempty"`
	Title        string          `json:"title,omitempty"`
	Price        Decimal         `json:"price,omitzero"`
	SKU          string          `json:"sku,omitempty"`
	Inventory    Decimal         `json:"inventory,omitzero"`
	Weight       Decimal         `json:"weight,omitzero"`
	OptionValues json.RawMessage `json:"optionValues,omitempty"`
}

// Fulfillment is a shipment of an order. Alloy's documentation lists no
// fields beyond the common ones; the rest is in Raw.
type Fulfillment struct {
	Record
}
