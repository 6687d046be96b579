package reports

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// printedAt is the print date of every test document.
var printedAt = time.Date(2025, 11, 11, 6, 30, 0, 0, time.UTC) // 14:30 in Malaysia

func testItem(sku, name, variation, stock string, qty int) domain.Item {
	return domain.Item{SKU: sku, Name: name, Variation: variation, StockCode: stock, Qty: qty,
		UnitPrice: domain.Money{Minor: 1990, Currency: "MYR"}, PaidPrice: domain.Money{Minor: 1990, Currency: "MYR"}}
}

func cancelledItem(it domain.Item) domain.Item {
	it.Cancelled, it.CancelReason = true, "out of stock"
	return it
}

// sampleOrders is a small realistic selection from three platforms and four stores: Lazada sends
// a line per unit, Shopee quantities; one SKU is shared by several orders, one SKU only appears
// on a cancelled line, one is not mapped to a stock item, one is not ASCII, names are Malay,
// Chinese and have emoji.
func sampleOrders() []domain.Order {
	created := time.Date(2025, 11, 10, 16, 5, 0, 0, time.UTC)
	return []domain.Order{
		{
			StoreID: 1, StoreName: "Kedai Runcit Lazada", Platform: domain.Lazada,
			OrderNo: "213456789012345", Status: "pending", CreatedAt: created,
			ShipBy: time.Date(2025, 11, 12, 15, 59, 0, 0, time.UTC),
			Buyer:  domain.Buyer{Name: "Siti Nurhaliza"},
			Items: []domain.Item{
				testItem("KOPI-3IN1-30", "Kopi Putih 3 dalam 1 (30 uncang)", "Original", "A-01-KP30", 1),
				testItem("KOPI-3IN1-30", "Kopi Putih 3 dalam 1 (30 uncang)", "Original", "A-01-KP30", 1),
				testItem("TEH-TARIK-20", "Teh Tarik Segera 🔥 Ready Stock", "Kurang manis", "A-02-TT20", 1),
				cancelledItem(testItem("SAMBAL-XXL-1KG", "Sambal Nyet Berapi 1kg", "Pedas", "B-09-SMB", 1)),
			},
			Packages: []domain.Package{{ID: "FP001", TrackingNo: "MYLZD123456789012", Provider: "LEX MY"}},
		},
		{
			StoreID: 2, StoreName: "Kedai Runcit Shopee", Platform: domain.Shopee,
			OrderNo: "251110ABCD7XYZ", Status: "READY_TO_SHIP", CreatedAt: created.Add(time.Hour),
			Buyer:     domain.Buyer{Name: "Tan Ah Kow"},
			BuyerNote: "Tolong bungkus elok-elok, hadiah untuk ibu.",
			Items: []domain.Item{
				testItem("KOPI-3IN1-30", "Kopi Putih 3 dalam 1 (30 uncang)", "Original", "A-01-KP30", 3),
				testItem("MUG-BATIK-350", "Mug Batik 350ml 马克杯", "Biru", "", 2),
				testItem("KUIH-Ä-01", "Kuih Bangkit Tradisional", "Balang kecil", "C-10-KB", 1),
			},
			Packages: []domain.Package{
				{ID: "OFG1", TrackingNo: "SPXMY041234567890", Provider: "SPX Express"},
				{ID: "OFG2", TrackingNo: "SPXMY041234567891", Provider: "SPX Express"},
			},
		},
		{
			StoreID: 3, StoreName: "Kedai Runcit TikTok", Platform: domain.TikTok,
			OrderNo: "577012345678901234", Status: "AWAITING_SHIPMENT", CreatedAt: created.Add(2 * time.Hour),
			ShipBy: time.Date(2025, 11, 13, 15, 59, 0, 0, time.UTC),
			Buyer:  domain.Buyer{Name: "Muthu Samy"},
			Items: []domain.Item{
				testItem("TEH-TARIK-20", "Teh Tarik Segera 🔥 Ready Stock", "Kurang manis", "A-02-TT20", 1),
				testItem("SERBUK-KARI-250", "Serbuk Kari Ikan 250g", "", "A-10-SK250", 2),
			},
			Packages: []domain.Package{{ID: "TTP1", TrackingNo: "630012345678", Provider: "J&T Express"}},
		},
		{
			// Arranged but the tracking number has not come back yet.
			StoreID: 1, StoreName: "Kedai Runcit Lazada", Platform: domain.Lazada,
			OrderNo: "213456789099999", Status: "packed", CreatedAt: created.Add(3 * time.Hour),
			Buyer: domain.Buyer{Name: "Lim Mei Ling"},
			Items: []domain.Item{
				testItem("SERBUK-KARI-250", "Serbuk Kari Ikan 250g", "", "A-10-SK250", 1),
			},
			Packages: []domain.Package{{ID: "FP002", Provider: "LEX MY"}},
		},
		{
			// Every item cancelled: nothing to pick.
			StoreID: 4, StoreName: "Kedai Runcit Shopee 2", Platform: domain.Shopee,
			OrderNo: "251110QQQQ0001", Status: "IN_CANCEL", CreatedAt: created.Add(4 * time.Hour),
			Buyer: domain.Buyer{Name: "Ahmad Albab"},
			Items: []domain.Item{
				cancelledItem(testItem("GONE-SKU-77", "Dodol Durian 500g", "", "D-01-DD", 1)),
			},
			Packages: []domain.Package{{ID: "OFG9", TrackingNo: "630099999999", Provider: "J&T Express"}},
		},
	}
}

// catalogueItem is a product on a shelf.
type catalogueItem struct{ sku, name, variation, stock string }

// catalogue is n products, most mapped to an SQL Account stock item.
func catalogue(r *rand.Rand, n int) []catalogueItem {
	products := []string{"Kopi Putih 3 dalam 1", "Teh Tarik Segera", "Serbuk Kari Ikan", "Sambal Nyet Berapi",
		"Mug Batik", "Kuih Bangkit", "Dodol Durian", "Minyak Angin Cap Kapak", "Beras Wangi Siam",
		"Kicap Manis Cap Kipas Udang", "Baju Kurung Moden", "Tudung Bawal Cotton", "Kain Pelikat",
		"Songkok Baldu Hitam", "Sarung Telefon Silikon", "Kabel USB-C Laju 1m"}
	variations := []string{"", "Merah", "Biru", "Hitam / XL", "Saiz M", "250g", "1kg", "Pek 3"}
	out := make([]catalogueItem, n)
	for i := range out {
		p := products[i%len(products)]
		c := catalogueItem{
			sku:       fmt.Sprintf("SKU-%s-%03d", string(rune('A'+i%26)), i),
			name:      fmt.Sprintf("%s %d", p, i),
			variation: variations[r.IntN(len(variations))],
		}
		if r.IntN(10) != 0 { // about one in ten not mapped yet
			c.stock = fmt.Sprintf("%c-%02d-%03d", 'A'+r.IntN(6), r.IntN(20)+1, i)
		}
		out[i] = c
	}
	return out
}

// genOrders is n realistic orders from six stores on three platforms: 1 to 4 lines each from a
// catalogue of 200 SKUs, each with a tracking number from the platform's usual courier.
func genOrders(n int) []domain.Order {
	r := rand.New(rand.NewPCG(42, 2025))
	cat := catalogue(r, 200)
	type store struct {
		id       int64
		name     string
		platform domain.Platform
		courier  string
	}
	stores := []store{
		{1, "Kedai Runcit Lazada", domain.Lazada, "LEX MY"},
		{2, "Kedai Runcit Shopee", domain.Shopee, "SPX Express"},
		{3, "Kedai Runcit TikTok", domain.TikTok, "J&T Express"},
		{4, "Butik Aisyah Lazada", domain.Lazada, "LEX MY"},
		{5, "Butik Aisyah Shopee", domain.Shopee, "Ninja Van"},
		{6, "Butik Aisyah TikTok", domain.TikTok, "J&T Express"},
	}
	base := time.Date(2025, 11, 11, 0, 0, 0, 0, time.UTC)
	orders := make([]domain.Order, n)
	for i := range orders {
		st := stores[r.IntN(len(stores))]
		o := domain.Order{
			StoreID: st.id, StoreName: st.name, Platform: st.platform,
			CreatedAt: base.Add(time.Duration(r.IntN(24*3600)) * time.Second),
			Buyer:     domain.Buyer{Name: fmt.Sprintf("Pembeli %d", i)},
		}
		o.ShipBy = o.CreatedAt.Add(48 * time.Hour)
		switch st.platform {
		case domain.Lazada:
			o.OrderNo = fmt.Sprintf("2134%011d", i)
		case domain.Shopee:
			o.OrderNo = fmt.Sprintf("251111%04dK%03X", i, r.IntN(4096))
		default:
			o.OrderNo = fmt.Sprintf("5770%014d", i)
		}
		lines := 1 + r.IntN(4)
		for range lines {
			c := cat[r.IntN(len(cat))]
			o.Items = append(o.Items, testItem(c.sku, c.name, c.variation, c.stock, 1+r.IntN(3)))
		}
		o.Packages = []domain.Package{{ID: fmt.Sprintf("PKG%d", i), TrackingNo: fmt.Sprintf("MY%010dX", i), Provider: st.courier}}
		orders[i] = o
	}
	return orders
}
