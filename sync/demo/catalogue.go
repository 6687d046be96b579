package demo

import "strings"

// category groups products so each store can lean towards what it is known for.
type category int

const (
	fashion category = iota
	beauty
	gadget
	kitchen
	home
	food
	baby
	health
	numCategories
)

// product is one listing; the seller sells the same SKUs on every platform.
type product struct {
	sku   string // seller SKU stem; options add their codes: TDG-CHF-BLK-M
	name  string
	cat   category
	price int64 // sen
	dims  []dim
	pop   float64 // relative popularity: a few bestsellers sell most
	multi bool    // often bought several at a time (snacks, wipes)
}

// dim is a variation dimension such as colour or size.
type dim struct {
	label string
	opts  []opt
}

type opt struct {
	code, name string
	delta      int64 // price difference to the product's price, in sen
}

func colours(names ...string) dim {
	d := dim{label: "Colour"}
	for _, n := range names {
		d.opts = append(d.opts, opt{code: colourCodes[n], name: n})
	}
	return d
}

var colourCodes = map[string]string{
	"Black": "BLK", "White": "WHT", "Navy": "NVY", "Dusty Pink": "DPK", "Maroon": "MRN", "Cream": "CRM",
	"Grey": "GRY", "Sage Green": "SGE", "Lilac": "LLC", "Peach": "PCH", "Emerald": "EMR", "Mustard": "MST",
	"Nude": "NUD", "Blue": "BLU", "Pink": "PNK", "Red": "RED", "Green": "GRN", "Brown": "BRN",
	"Purple": "PRP", "Yellow": "YLW", "Champagne": "CHP", "Olive": "OLV", "Beige": "BGE",
}

func sizes(names ...string) dim {
	d := dim{label: "Size"}
	for _, n := range names {
		code := strings.ToUpper(strings.NewReplacer(" ", "", "\"", "", ".", "").Replace(n))
		d.opts = append(d.opts, opt{code: code, name: n})
	}
	return d
}

// sized is a size dimension whose larger sizes cost more.
func sized(step int64, names ...string) dim {
	d := sizes(names...)
	for i := range d.opts {
		d.opts[i].delta = int64(i) * step
	}
	return d
}

func options(label string, pairs ...string) dim {
	d := dim{label: label}
	for i := 0; i+1 < len(pairs); i += 2 {
		d.opts = append(d.opts, opt{code: pairs[i], name: pairs[i+1]})
	}
	return d
}

// catalogue is what the demo seller stocks. Prices are typical Malaysian marketplace prices.
var catalogue = []product{
	// Fashion: tudung, baju kurung and friends.
	{sku: "TDG-CHF", name: "Tudung Bawal Chiffon Premium Double Loop", cat: fashion, price: 1990, pop: 9,
		dims: []dim{colours("Black", "Navy", "Dusty Pink", "Maroon", "Cream", "Grey"), sizes("M", "L")}},
	{sku: "TDG-SRG", name: "Tudung Sarung Instant Jersey Awning", cat: fashion, price: 2590, pop: 7,
		dims: []dim{colours("Black", "Navy", "Sage Green", "Lilac", "Nude"), sizes("S", "M", "L", "XL")}},
	{sku: "SHW-CTV", name: "Shawl Cotton Voile Bidang 60", cat: fashion, price: 2990, pop: 5,
		dims: []dim{colours("Cream", "Dusty Pink", "Emerald", "Mustard", "Black")}},
	{sku: "INR-NJA", name: "Inner Anak Tudung Ninja Lycra", cat: fashion, price: 990, pop: 6, multi: true,
		dims: []dim{colours("Black", "White", "Nude", "Grey")}},
	{sku: "BKM-CTN", name: "Baju Kurung Moden Cotton Raya Collection", cat: fashion, price: 8900, pop: 4,
		dims: []dim{colours("Sage Green", "Lilac", "Navy", "Peach"), sized(0, "XS", "S", "M", "L", "XL", "XXL")}},
	{sku: "BKP-SGK", name: "Baju Kurung Pahang Songket Sulam", cat: fashion, price: 12900, pop: 2,
		dims: []dim{colours("Emerald", "Maroon", "Champagne"), sizes("S", "M", "L", "XL")}},
	{sku: "KRT-SLM", name: "Kurta Lelaki Slim Fit Cotton", cat: fashion, price: 5990, pop: 3,
		dims: []dim{colours("White", "Navy", "Olive", "Black"), sizes("S", "M", "L", "XL", "XXL")}},
	{sku: "BML-CKM", name: "Baju Melayu Cekak Musang Sedondon", cat: fashion, price: 11900, pop: 2,
		dims: []dim{colours("Emerald", "Navy", "Maroon", "Cream"), sized(500, "S", "M", "L", "XL", "XXL", "3XL")}},
	{sku: "TLK-TRV", name: "Telekung Travel Set Cotton Silk", cat: fashion, price: 6990, pop: 3,
		dims: []dim{colours("White", "Cream", "Dusty Pink")}},
	{sku: "KBT-LPS", name: "Kain Batik Lepas Terengganu", cat: fashion, price: 3500, pop: 2,
		dims: []dim{options("Motif", "BNG", "Bunga Raya", "PKS", "Pucuk Rebung", "AWN", "Awan Larat")}},
	{sku: "KFT-PLS", name: "Kaftan Raya Plus Size Ironless", cat: fashion, price: 7900, pop: 2,
		dims: []dim{colours("Maroon", "Emerald", "Navy"), sized(0, "L", "XL", "2XL", "3XL", "4XL")}},
	{sku: "SLR-PLZ", name: "Seluar Palazzo Wide Leg Ironless", cat: fashion, price: 3990, pop: 4,
		dims: []dim{colours("Black", "Beige", "Grey", "Navy"), sizes("S", "M", "L", "XL")}},
	{sku: "JBH-ABY", name: "Jubah Abaya Dubai Nida Butang Depan", cat: fashion, price: 9900, pop: 2,
		dims: []dim{colours("Black", "Navy", "Brown"), sizes("S", "M", "L", "XL")}},
	{sku: "SGK-BLD", name: "Songkok Baldu Premium Hitam", cat: fashion, price: 4500, pop: 1,
		dims: []dim{sizes("21", "21.5", "22", "22.5", "23")}},
	{sku: "SMP-SGK", name: "Sampin Songket Tenun Sedondon", cat: fashion, price: 8990, pop: 1,
		dims: []dim{colours("Emerald", "Maroon", "Navy", "Champagne")}},

	// Beauty.
	{sku: "SKN-SUN-50", name: "Sunscreen Gel SPF50 PA++++ 50ml", cat: beauty, price: 3990, pop: 8},
	{sku: "SKN-TNR-150", name: "Hydrating Toner Centella 150ml", cat: beauty, price: 2990, pop: 5},
	{sku: "SKN-VTC-30", name: "Vitamin C Brightening Serum 30ml", cat: beauty, price: 4990, pop: 6},
	{sku: "SKN-NIA-30", name: "Niacinamide 10% + Zinc Serum 30ml", cat: beauty, price: 3590, pop: 6},
	{sku: "SKN-CLN-100", name: "Gentle Facial Cleanser Low pH 100ml", cat: beauty, price: 2490, pop: 5},
	{sku: "SKN-MSK-10", name: "Sheet Mask Madu Lebah (10 pcs)", cat: beauty, price: 2990, pop: 4, multi: true},
	{sku: "SKN-HND", name: "Hand Cream Shea Butter 50g", cat: beauty, price: 1690, pop: 2, multi: true},
	{sku: "MKP-LIP", name: "Lip Matte Tahan Lama Transfer Proof", cat: beauty, price: 1990, pop: 6,
		dims: []dim{options("Shade", "01", "01 Nude Sand", "02", "02 Rose Bata", "03", "03 Brick Red", "04", "04 Berry Kiss")}},
	{sku: "MKP-CSH", name: "Cushion Foundation SPF35 Matte", cat: beauty, price: 5990, pop: 3,
		dims: []dim{options("Shade", "LGT", "Light", "NTR", "Natural", "TAN", "Tan")}},
	{sku: "HAIR-OIL", name: "Minyak Zaitun Rambut Herba 100ml", cat: beauty, price: 1590, pop: 2},
	{sku: "HAIR-SHP", name: "Shampoo Anti Gugur Rambut 400ml", cat: beauty, price: 2290, pop: 3},
	{sku: "FRG-MST-MLR", name: "Body Mist Bunga Melur 100ml", cat: beauty, price: 1890, pop: 3},
	{sku: "FRG-OUD-30", name: "Perfume Oud Arabian Long Lasting 30ml", cat: beauty, price: 4900, pop: 3},
	{sku: "SAB-SKB-3", name: "Sabun Susu Kambing Handmade (3 ketul)", cat: beauty, price: 1290, pop: 2, multi: true},
	{sku: "DEO-RLN", name: "Deodorant Roll On Halal 50ml", cat: beauty, price: 1390, pop: 2},

	// Phone accessories and gadgets.
	{sku: "CBL-CC", name: "Kabel USB-C to USB-C 60W Fast Charging", cat: gadget, price: 1590, pop: 7, multi: true,
		dims: []dim{{label: "Length", opts: []opt{{"1M", "1m", 0}, {"2M", "2m", 400}}}}},
	{sku: "CHG-PD20", name: "Fast Charger 20W PD Plug UK SIRIM", cat: gadget, price: 2990, pop: 6,
		dims: []dim{colours("White", "Black")}},
	{sku: "PWB-10K", name: "Power Bank 10000mAh 22.5W Slim", cat: gadget, price: 5990, pop: 5,
		dims: []dim{colours("Black", "White", "Blue")}},
	{sku: "EAR-TWS", name: "Earphone Wireless TWS Bluetooth 5.3", cat: gadget, price: 6990, pop: 5,
		dims: []dim{colours("Black", "White")}},
	{sku: "CSE-IP15", name: "Phone Case iPhone 15 Clear Shockproof", cat: gadget, price: 1590, pop: 6,
		dims: []dim{options("Model", "IP15", "iPhone 15", "IP15P", "iPhone 15 Pro", "IP15PM", "iPhone 15 Pro Max")}},
	{sku: "TGL-SAM", name: "Tempered Glass Samsung Full Cover", cat: gadget, price: 990, pop: 5, multi: true,
		dims: []dim{options("Model", "A15", "Galaxy A15", "A25", "Galaxy A25", "A55", "Galaxy A55", "S24", "Galaxy S24")}},
	{sku: "TRP-SLF", name: "Tripod Selfie Stick Bluetooth Remote", cat: gadget, price: 3590, pop: 3},
	{sku: "RNG-10", name: "Ring Light 10 inch with Stand", cat: gadget, price: 4500, pop: 2},
	{sku: "HLD-CAR", name: "Car Phone Holder Magnetic Dashboard", cat: gadget, price: 2590, pop: 3},
	{sku: "STR-22", name: "Smartwatch Strap Silicone 22mm", cat: gadget, price: 1290, pop: 2,
		dims: []dim{colours("Black", "Navy", "Olive", "Pink")}},
	{sku: "USB-64", name: "USB Flash Drive 64GB Metal", cat: gadget, price: 2490, pop: 2},
	{sku: "SPK-MINI", name: "Bluetooth Speaker Mini Waterproof", cat: gadget, price: 4990, pop: 2,
		dims: []dim{colours("Black", "Blue", "Red")}},
	{sku: "MSE-SLT", name: "Wireless Mouse Silent Click", cat: gadget, price: 2990, pop: 3,
		dims: []dim{colours("Black", "White", "Pink")}},
	{sku: "EXT-4W", name: "Extension Socket 4 Way 3 Metre SIRIM", cat: gadget, price: 3990, pop: 2},

	// Kitchen.
	{sku: "KIT-RCK-18", name: "Periuk Nasi Digital 1.8L Non-Stick", cat: kitchen, price: 15900, pop: 2},
	{sku: "KIT-AFR-45", name: "Air Fryer 4.5L Digital Touch", cat: kitchen, price: 19900, pop: 3,
		dims: []dim{colours("Black", "White")}},
	{sku: "KIT-KUA-32", name: "Kuali Non-Stick Granite 32cm", cat: kitchen, price: 5990, pop: 3},
	{sku: "KIT-KNF-6", name: "Set Pisau Dapur Stainless 6 pcs", cat: kitchen, price: 4990, pop: 2},
	{sku: "KIT-CTN-5", name: "Bekas Makanan Kedap Udara (5 pcs)", cat: kitchen, price: 2990, pop: 4},
	{sku: "KIT-BLD", name: "Blender Portable USB Rechargeable", cat: kitchen, price: 4590, pop: 3,
		dims: []dim{colours("Pink", "Green", "White")}},
	{sku: "KIT-RAK", name: "Rak Pinggan Stainless 2 Tingkat", cat: kitchen, price: 6990, pop: 2},
	{sku: "KIT-KUIH-5", name: "Bekas Kuih Raya Set 5 Balang", cat: kitchen, price: 3290, pop: 2},
	{sku: "BTL-1L", name: "Botol Air Tritan 1L BPA Free", cat: kitchen, price: 1990, pop: 5,
		dims: []dim{colours("Black", "Pink", "Blue", "Green", "Purple")}},
	{sku: "BTL-TRM-500", name: "Termos Vacuum Flask Stainless 500ml", cat: kitchen, price: 3590, pop: 3,
		dims: []dim{colours("Black", "White", "Sage Green")}},

	// Home.
	{sku: "HOM-TWL", name: "Tuala Mandi Cotton Tebal 70x140", cat: home, price: 2590, pop: 3, multi: true,
		dims: []dim{colours("White", "Grey", "Navy", "Pink")}},
	{sku: "HOM-CDR", name: "Cadar Cotton Set with Comforter", cat: home, price: 7990, pop: 3,
		dims: []dim{options("Design", "FLR", "Floral", "STR", "Stripe", "PLN", "Plain Grey"), sized(1000, "Single", "Queen", "King")}},
	{sku: "HOM-SJD", name: "Sejadah Travel Lipat Ringan", cat: home, price: 2990, pop: 3,
		dims: []dim{colours("Green", "Maroon", "Navy")}},
	{sku: "HOM-MOP", name: "Penyapu Mop Spin 360 dengan Baldi", cat: home, price: 4990, pop: 2},
	{sku: "HOM-LMP", name: "Lampu LED Tidur Sensor Gerak", cat: home, price: 1990, pop: 2, multi: true},
	{sku: "HOM-PWD", name: "Pewangi Kereta Gel Lavender", cat: home, price: 890, pop: 2, multi: true},

	// Food and snacks.
	{sku: "SNK-KPP-250", name: "Kerepek Pisang Pedas Manis 250g", cat: food, price: 890, pop: 7, multi: true},
	{sku: "SNK-KBT", name: "Kuih Bangkit Santan Sukun (Balang)", cat: food, price: 1800, pop: 3, multi: true},
	{sku: "SNK-RPY-200", name: "Rempeyek Kacang Rangup 200g", cat: food, price: 990, pop: 4, multi: true},
	{sku: "SMB-IKB-200", name: "Sambal Garing Ikan Bilis 200g", cat: food, price: 1590, pop: 5, multi: true},
	{sku: "SRD-DGN-250", name: "Serunding Daging Kelantan 250g", cat: food, price: 1990, pop: 3, multi: true},
	{sku: "KOP-IPH-15", name: "Kopi Putih Ipoh 3 in 1 (15 sachet)", cat: food, price: 1690, pop: 5, multi: true},
	{sku: "TEH-TRK-12", name: "Teh Tarik Segera (12 sachet)", cat: food, price: 1490, pop: 4, multi: true},
	{sku: "MDU-KLT-500", name: "Madu Kelulut Asli 500g", cat: food, price: 5900, pop: 3},
	{sku: "SNK-DDL-500", name: "Dodol Durian Musang King 500g", cat: food, price: 2200, pop: 2},
	{sku: "SNK-CCC-300", name: "Biskut Coklat Chip Homemade 300g", cat: food, price: 2490, pop: 3, multi: true},
	{sku: "KRM-AJW-500", name: "Kurma Ajwa Madinah 500g", cat: food, price: 6500, pop: 2},
	{sku: "CIL-BOH-1K", name: "Cili Boh Kisar Halus 1kg", cat: food, price: 1290, pop: 3, multi: true},
	{sku: "MEE-KRI-5", name: "Mee Kari Segera Pedas (5 pek)", cat: food, price: 750, pop: 4, multi: true},
	{sku: "SNK-UBI-200", name: "Kerepek Ubi Balado 200g", cat: food, price: 790, pop: 4, multi: true},

	// Baby and kids.
	{sku: "BBY-DPR", name: "Lampin Pakai Buang Tape (Pek Jimat)", cat: baby, price: 3990, pop: 4, multi: true,
		dims: []dim{sizes("S", "M", "L", "XL")}},
	{sku: "BBY-WIP-80", name: "Tisu Basah Bayi Tanpa Alkohol 80 pcs", cat: baby, price: 690, pop: 5, multi: true},
	{sku: "BBY-BTL-250", name: "Botol Susu Bayi Anti Kolik 250ml", cat: baby, price: 2990, pop: 2},
	{sku: "TOY-BLK-100", name: "Mainan Blok Bangunan Kreatif 100 pcs", cat: baby, price: 3590, pop: 2},
	{sku: "BAG-SKL", name: "Beg Sekolah Kanak-Kanak Ringan", cat: baby, price: 4590, pop: 2,
		dims: []dim{colours("Pink", "Blue", "Purple")}},

	// Health.
	{sku: "HLT-VTC-30", name: "Vitamin C 1000mg Effervescent (30 biji)", cat: health, price: 2990, pop: 3},
	{sku: "HLT-MNA-10", name: "Minyak Angin Herba Roll On 10ml", cat: health, price: 590, pop: 3, multi: true},
	{sku: "HLT-MSK-50", name: "Face Mask 3 Ply Earloop (50 pcs)", cat: health, price: 990, pop: 3, multi: true,
		dims: []dim{colours("Black", "White", "Pink")}},
	{sku: "HLT-HBS-60", name: "Habbatus Sauda Kapsul (60 biji)", cat: health, price: 3500, pop: 2},
}

// variant is one sellable SKU of a product.
type variant struct {
	sku, variation string
	price          int64
	index          int // position among the product's variants, for stable platform ids
}

// pick chooses one option per dimension: the first options of each are the popular ones.
func (p *product) pick(r interface{ IntN(int) int }) variant {
	v := variant{sku: p.sku, price: p.price}
	var names []string
	mult := 1
	for _, d := range p.dims {
		// Skewed towards the first options: sellers list their bestselling colour first.
		i := r.IntN(len(d.opts))
		if j := r.IntN(len(d.opts)); j < i {
			i = j
		}
		o := d.opts[i]
		v.sku += "-" + o.code
		v.price += o.delta
		names = append(names, d.label+": "+o.name)
		v.index += i * mult
		mult *= len(d.opts)
	}
	v.variation = strings.Join(names, ", ")
	return v
}
