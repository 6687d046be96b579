package domain

import "time"

// InvoiceLine is one line of a SQL Account Sales Invoice.
type InvoiceLine struct {
	ItemCode, Location, Project, Description, UOM string
	Qty                                           int64
	Rate                                          float64
	UnitPrice, Amount                             Money // Amount excludes tax
	Tax                                           string
	TaxRate                                       float64
	TaxInclusive                                  bool
	TaxAmt                                        Money
}

// Invoice is the Sales Invoice an order is posted as.
type Invoice struct {
	DocNo                                                 string
	DocDate                                               time.Time
	Customer, CompanyName, Description, Project, Currency string
	Cancelled                                             bool
	Lines                                                 []InvoiceLine
}

// Amount is the document amount: the lines and their tax. (A line's Amount excludes its tax
// even when its prices were tax-inclusive: the tax was taken out of them.)
func (inv Invoice) Amount() Money {
	m := Money{Currency: inv.Currency}
	for _, l := range inv.Lines {
		m.Minor += l.Amount.Minor + l.TaxAmt.Minor
	}
	return m
}
