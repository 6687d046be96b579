// Package mapping says which SQL Account stock items each platform SKU is: the map dialog (from
// an order item or the Mapping screen), and the Mapping screen with its filter and auto-mapping.
package mapping
