package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Names are drawn the way Malaysian buyers type them: Malay names with bin/binti, Chinese names
// surname first (sometimes with an English name), Indian names with a/l or a/p, and Sabah and
// Sarawak names.
var (
	malayWomen = []string{"Nur Aisyah", "Siti Aminah", "Nurul Huda", "Farah Nadia", "Aina Sofea", "Nur Syafiqah",
		"Intan Maisarah", "Nur Amira", "Hani Farhana", "Balqis Humaira", "Puteri Aleesya", "Wan Nur Alia",
		"Aishah Zulaikha", "Nor Azlina", "Rohana", "Zuraidah", "Fatimah Zahra", "Nur Iman", "Anis Suraya",
		"Syazwani", "Nabila Huda", "Siti Khadijah", "Nur Atiqah", "Fara Adlina", "Zarith Sofia"}
	malayMen = []string{"Muhammad Haziq", "Ahmad Faiz", "Mohd Firdaus", "Amirul Hakim", "Muhammad Aiman",
		"Khairul Anuar", "Muhammad Hafiz", "Syafiq Danial", "Adam Harith", "Izzat Hakimi", "Zulkifli", "Azman",
		"Shahrul Nizam", "Faris Irfan", "Ikmal Hisham", "Wan Ahmad Zaki", "Nik Aiman", "Mohd Redzuan",
		"Ahmad Syahmi", "Hakim Danish"}
	malayFathers = []string{"Ahmad", "Abdullah", "Ismail", "Hassan", "Ibrahim", "Abdul Rahman", "Zakaria", "Osman",
		"Yusof", "Hamzah", "Mohd Noor", "Kamarudin", "Abdul Aziz", "Razak", "Salleh", "Sulaiman", "Jamaluddin",
		"Hashim", "Mat Isa", "Rosli", "Mohamad", "Che Mat"}

	chineseSurnames = []string{"Tan", "Lim", "Lee", "Ng", "Wong", "Chong", "Ong", "Goh", "Chan", "Teo", "Yap", "Low",
		"Koh", "Chin", "Liew", "Lau", "Khoo", "Teh", "Yeoh", "Cheah", "Foo", "Loh", "Sim", "Ho"}
	chineseGiven = []string{"Wei Ming", "Mei Ling", "Jia Hui", "Kah Wai", "Siew Lan", "Chee Keong", "Li Ying",
		"Zi Xuan", "Jun Hao", "Hui Min", "Boon Kiat", "Pei Shan", "Wai Kit", "Xin Yi", "Kok Leong", "Yee Ling",
		"Shu Fen", "Chun Kit", "Ai Ling", "Eng Huat", "Kar Mun", "Soo Yin"}
	englishNames = []string{"Jason", "Michelle", "Kelvin", "Vivian", "Alvin", "Jessica", "Marcus", "Rachel",
		"Daniel", "Cheryl", "Kenny", "Joanne", "Bryan", "Grace"}

	indianWomen   = []string{"Kavitha", "Priya", "Deepa", "Shalini", "Thivya", "Nisha", "Revathi", "Yamuna", "Sangeetha", "Malathi", "Kalaivani", "Geetha"}
	indianMen     = []string{"Rajesh", "Suresh", "Kumar", "Arvind", "Ganesh", "Vinod", "Prakash", "Saravanan", "Muthu", "Thinesh", "Kishen", "Vimal"}
	indianFathers = []string{"Raman", "Subramaniam", "Krishnan", "Muniandy", "Govindasamy", "Raju", "Maniam", "Selvaraj", "Arumugam", "Ramasamy", "Perumal", "Nadarajah"}

	borneoGiven   = []string{"Melissa", "Jason", "Clarice", "Ferdinand", "Jenny", "Mary Anne", "Rosalind", "Alvin", "Vanessa", "Nelson", "Sharon", "Jimmy"}
	sabahSurnames = []string{"Majinbon", "Gumbang", "Lajim", "Sipaun", "Lasimbang", "Jikol", "Mojiol", "Gadong"}
	ibanFathers   = []string{"Jimbun", "Nyaun", "Ngelai", "Jawan", "Unggang", "Empeni", "Lias", "Saging"}
)

// person is a buyer or a recipient.
type person struct {
	name     string
	username string // Shopee-style handle
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func newPerson(r *rand.Rand, borneo bool) person {
	var name, first, last string
	x := r.Float64()
	nativeShare := 0.0
	if borneo {
		nativeShare = 0.35
	}
	switch {
	case x < nativeShare:
		first = pick(r, borneoGiven)
		if r.IntN(2) == 0 {
			last = pick(r, ibanFathers)
			name = first + " anak " + last
		} else {
			last = pick(r, sabahSurnames)
			name = first + " " + last
		}
	case x < nativeShare+(1-nativeShare)*0.6:
		female := r.IntN(3) > 0 // most marketplace buyers are women
		if female {
			first = pick(r, malayWomen)
		} else {
			first = pick(r, malayMen)
		}
		last = pick(r, malayFathers)
		switch {
		case r.IntN(10) < 3:
			name = first + " " + last
		case female:
			name = first + " binti " + last
		default:
			name = first + " bin " + last
		}
	case x < nativeShare+(1-nativeShare)*0.9:
		last = pick(r, chineseSurnames)
		first = pick(r, chineseGiven)
		switch r.IntN(5) {
		case 0:
			first = pick(r, englishNames)
			name = first + " " + last + " " + pick(r, chineseGiven)
		case 1:
			first = pick(r, englishNames)
			name = first + " " + last
		default:
			name = last + " " + first
		}
	default:
		if r.IntN(3) > 0 {
			first = pick(r, indianWomen)
			last = pick(r, indianFathers)
			name = first + " a/p " + last
		} else {
			first = pick(r, indianMen)
			last = pick(r, indianFathers)
			name = first + " a/l " + last
		}
	}
	if r.IntN(7) == 0 { // many buyers type their name in capitals
		name = strings.ToUpper(name)
	}
	return person{name: name, username: username(r, first, last)}
}

func username(r *rand.Rand, first, last string) string {
	f := strings.ToLower(strings.Fields(first)[len(strings.Fields(first))-1])
	l := strings.ToLower(strings.ReplaceAll(strings.Fields(last)[0], "'", ""))
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s_%s%02d", f, l, r.IntN(100))
	case 1:
		return fmt.Sprintf("%s.%s", f, l)
	case 2:
		return fmt.Sprintf("%s%d", f, 80+r.IntN(25))
	}
	return fmt.Sprintf("%s%s%03d", f, l[:1], r.IntN(1000))
}

// phone is a Malaysian mobile number as the platforms show it: 6012-3456789, 6011-23456789.
func phone(r *rand.Rand) string {
	prefixes := []string{"6012", "6012", "6013", "6014", "6016", "6017", "6019", "6019", "6018", "6010", "6011"}
	p := pick(r, prefixes)
	if p == "6011" {
		return fmt.Sprintf("%s-%08d", p, r.IntN(100000000))
	}
	return fmt.Sprintf("%s-%d%06d", p, 1+r.IntN(9), r.IntN(1000000))
}

// area is a neighbourhood with its real postcode.
type area struct {
	name     string // the taman or section, the second address line
	city     string
	state    string
	postcode string
	streets  []string // %d takes a number
	weight   float64  // share of buyers
	condo    bool     // mostly high-rise
}

func (a *area) borneo() bool {
	return a.state == "Sabah" || a.state == "Sarawak" || a.state == "Labuan"
}

var areas = []area{
	// Kuala Lumpur.
	{"Taman Tun Dr Ismail", "Kuala Lumpur", "Kuala Lumpur", "60000", []string{"Jalan Tun Mohd Fuad %d", "Jalan Wan Kadir %d", "Lorong Datuk Sulaiman %d"}, 3, false},
	{"Bangsar Baru", "Kuala Lumpur", "Kuala Lumpur", "59100", []string{"Jalan Telawi %d", "Lorong Kurau", "Jalan Maarof"}, 2, false},
	{"Taman Connaught", "Cheras", "Kuala Lumpur", "56000", []string{"Jalan Cerdas %d", "Jalan Manis %d", "Jalan Suarasa %d"}, 4, false},
	{"Taman Melati", "Setapak", "Kuala Lumpur", "53100", []string{"Jalan Melati Utama %d", "Jalan Tanjung %d"}, 3, true},
	{"Wangsa Maju", "Kuala Lumpur", "Kuala Lumpur", "53300", []string{"Jalan Wangsa Delima %d", "Jalan 1/27A"}, 3, true},
	{"Metro Prima", "Kepong", "Kuala Lumpur", "52100", []string{"Jalan Metro Perdana Barat %d", "Jalan Prima %d"}, 3, false},
	{"Sri Petaling", "Kuala Lumpur", "Kuala Lumpur", "57000", []string{"Jalan Radin Anum %d", "Jalan Radin Bagus %d", "Jalan Radin Tengah"}, 3, false},
	{"Bukit Jalil", "Kuala Lumpur", "Kuala Lumpur", "57000", []string{"Jalan Jalil Perkasa %d", "Jalan Jalil Jaya %d"}, 2, true},
	{"Kuchai Lama", "Kuala Lumpur", "Kuala Lumpur", "58200", []string{"Jalan Kuchai Maju %d", "Jalan Kuchai Jaya"}, 2, true},
	{"Taman Desa", "Kuala Lumpur", "Kuala Lumpur", "58100", []string{"Jalan Desa Bakti", "Jalan Desa Utama %d"}, 2, true},
	{"Mont Kiara", "Kuala Lumpur", "Kuala Lumpur", "50480", []string{"Jalan Kiara %d", "Jalan Kiara"}, 1, true},
	{"Segambut", "Kuala Lumpur", "Kuala Lumpur", "51200", []string{"Jalan Segambut Tengah", "Jalan Segambut Pusat"}, 1, false},
	{"Pudu", "Kuala Lumpur", "Kuala Lumpur", "55100", []string{"Jalan Sayur", "Jalan Pudu Lama"}, 1, true},
	{"Presint 9", "Putrajaya", "Putrajaya", "62250", []string{"Jalan P9E/%d", "Jalan P9G/%d"}, 2, true},
	// Selangor.
	{"SS2", "Petaling Jaya", "Selangor", "47300", []string{"Jalan SS 2/%d"}, 4, false},
	{"Damansara Utama", "Petaling Jaya", "Selangor", "47400", []string{"Jalan SS 21/%d"}, 3, false},
	{"Seksyen 17", "Petaling Jaya", "Selangor", "46400", []string{"Jalan 17/%d"}, 2, false},
	{"Seksyen 14", "Petaling Jaya", "Selangor", "46100", []string{"Jalan 14/%d"}, 1, false},
	{"Kelana Jaya", "Petaling Jaya", "Selangor", "47301", []string{"Jalan SS 7/%d"}, 2, true},
	{"Ara Damansara", "Petaling Jaya", "Selangor", "47301", []string{"Jalan PJU 1A/%d"}, 2, true},
	{"Taman Megah", "Petaling Jaya", "Selangor", "47301", []string{"Jalan SS 24/%d"}, 2, false},
	{"USJ 4", "Subang Jaya", "Selangor", "47600", []string{"Jalan USJ 4/%d"}, 3, false},
	{"SS15", "Subang Jaya", "Selangor", "47500", []string{"Jalan SS 15/%d"}, 2, true},
	{"Puchong Jaya", "Puchong", "Selangor", "47100", []string{"Jalan Kenari %d", "Jalan Merbok %d"}, 3, false},
	{"Bandar Puteri", "Puchong", "Selangor", "47100", []string{"Jalan Puteri 1/%d", "Jalan Puteri 5/%d"}, 2, false},
	{"Seksyen 7", "Shah Alam", "Selangor", "40000", []string{"Jalan Zirkon 7/%d", "Jalan Plumbum 7/%d"}, 4, true},
	{"Seksyen 13", "Shah Alam", "Selangor", "40100", []string{"Jalan 13/%d"}, 2, false},
	{"Setia Alam", "Shah Alam", "Selangor", "40170", []string{"Jalan Setia Murni U13/%d", "Jalan Setia Prima U13/%d"}, 3, false},
	{"Kota Kemuning", "Shah Alam", "Selangor", "40460", []string{"Jalan Anggerik Vanilla 31/%d", "Jalan Anggerik Mokara 31/%d"}, 2, false},
	{"Bandar Botanic", "Klang", "Selangor", "41200", []string{"Jalan Kasuarina %d/KS7", "Jalan Ambang Botanic %d"}, 3, false},
	{"Taman Sentosa", "Klang", "Selangor", "41200", []string{"Jalan Dato Yusof Shahbudin %d", "Jalan Sentosa %d"}, 2, false},
	{"Taman Prima Saujana", "Kajang", "Selangor", "43000", []string{"Jalan Prima Saujana 2/%d"}, 2, false},
	{"Seksyen 6", "Bandar Baru Bangi", "Selangor", "43650", []string{"Jalan 6/%d"}, 2, false},
	{"Taman Universiti Indah", "Seri Kembangan", "Selangor", "43300", []string{"Jalan UI %d/%d", "Jalan Besar"}, 2, true},
	{"Cyber 11", "Cyberjaya", "Selangor", "63000", []string{"Jalan Teknokrat %d", "Persiaran Multimedia"}, 1, true},
	{"Bandar Country Homes", "Rawang", "Selangor", "48000", []string{"Jalan BRP %d/%d", "Jalan Bunga Raya %d"}, 2, false},
	{"Taman Dagang", "Ampang", "Selangor", "68000", []string{"Jalan Dagang %d", "Jalan Dagang Besar"}, 2, true},
	{"Taman Selayang Jaya", "Selayang", "Selangor", "68100", []string{"Jalan SJ %d/%d"}, 1, false},
	{"Bandar Baru Sungai Buloh", "Sungai Buloh", "Selangor", "47000", []string{"Jalan Kenanga %d", "Jalan Cempaka %d"}, 1, false},
	{"Taman Semenyih Indah", "Semenyih", "Selangor", "43500", []string{"Jalan Semenyih Indah %d"}, 1, false},
	// Johor.
	{"Taman Molek", "Johor Bahru", "Johor", "81100", []string{"Jalan Molek 1/%d", "Jalan Molek 2/%d"}, 3, false},
	{"Taman Johor Jaya", "Johor Bahru", "Johor", "81100", []string{"Jalan Dedap %d", "Jalan Rosmerah %d"}, 3, false},
	{"Taman Pelangi", "Johor Bahru", "Johor", "80400", []string{"Jalan Kuning %d", "Jalan Biru"}, 2, false},
	{"Taman Perling", "Johor Bahru", "Johor", "81200", []string{"Jalan Simbang %d", "Jalan Persisiran Perling"}, 2, false},
	{"Taman Universiti", "Skudai", "Johor", "81300", []string{"Jalan Kebudayaan %d", "Jalan Pendidikan %d"}, 2, false},
	{"Bukit Indah", "Johor Bahru", "Johor", "81200", []string{"Jalan Indah 15/%d", "Jalan Indah 22/%d"}, 2, false},
	{"Taman Kulai Besar", "Kulai", "Johor", "81000", []string{"Jalan Kenanga %d"}, 1, false},
	{"Taman Bukit Pasir", "Batu Pahat", "Johor", "83000", []string{"Jalan Kenari %d"}, 1, false},
	{"Taman Bakri", "Muar", "Johor", "84000", []string{"Jalan Bakri %d"}, 1, false},
	{"Taman Sri Kluang", "Kluang", "Johor", "86000", []string{"Jalan Mersing %d"}, 1, false},
	// Penang.
	{"Pulau Tikus", "George Town", "Penang", "10350", []string{"Lorong Burma %d", "Jalan Burma"}, 2, true},
	{"Jelutong", "George Town", "Penang", "11600", []string{"Lebuh Jelutong %d", "Jalan Jelutong"}, 2, true},
	{"Air Itam", "Air Itam", "Penang", "11500", []string{"Jalan Air Itam", "Lorong Air Itam %d"}, 1, true},
	{"Bayan Baru", "Bayan Lepas", "Penang", "11950", []string{"Jalan Mayang Pasir %d", "Lorong Kenari %d"}, 2, true},
	{"Gelugor", "Gelugor", "Penang", "11700", []string{"Lorong Sungai Dua %d", "Jalan Gelugor"}, 1, true},
	{"Taman Bagan", "Butterworth", "Penang", "13400", []string{"Jalan Bagan Lallang %d", "Jalan Bagan %d"}, 1, false},
	{"Taman Bukit Minyak", "Bukit Mertajam", "Penang", "14000", []string{"Jalan Kulim", "Lorong Minyak %d"}, 1, false},
	// Perak.
	{"Ipoh Garden", "Ipoh", "Perak", "31400", []string{"Jalan Sultan Azlan Shah", "Laluan Ipoh Garden %d"}, 2, false},
	{"Greentown", "Ipoh", "Perak", "30450", []string{"Persiaran Greentown %d"}, 1, false},
	{"Menglembu", "Ipoh", "Perak", "31450", []string{"Jalan Menglembu %d", "Lorong Bemban %d"}, 1, false},
	{"Taman Kaya", "Taiping", "Perak", "34000", []string{"Jalan Kota", "Jalan Taman Kaya %d"}, 1, false},
	{"Taman Sri Intan", "Teluk Intan", "Perak", "36000", []string{"Jalan Sultan Abdullah"}, 1, false},
	// Sabah, Sarawak, Labuan.
	{"Luyang", "Kota Kinabalu", "Sabah", "88300", []string{"Jalan Lintas", "Lorong Kolam %d"}, 2, true},
	{"Likas", "Kota Kinabalu", "Sabah", "88400", []string{"Jalan Likas", "Lorong Likas Baru %d"}, 1, false},
	{"Inanam", "Kota Kinabalu", "Sabah", "88450", []string{"Jalan Tuaran", "Lorong Inanam Baru %d"}, 1, false},
	{"Donggongon", "Penampang", "Sabah", "89500", []string{"Jalan Penampang", "Lorong Donggongon %d"}, 1, false},
	{"Taman Bandaran Mile 4", "Sandakan", "Sabah", "90000", []string{"Jalan Leila", "Lorong Bandaran %d"}, 1, false},
	{"Taman Tawau Jaya", "Tawau", "Sabah", "91000", []string{"Jalan Kuhara"}, 1, false},
	{"Tabuan Jaya", "Kuching", "Sarawak", "93350", []string{"Jalan Wan Alwi", "Lorong Tabuan Jaya %d"}, 2, false},
	{"Batu Kawa", "Kuching", "Sarawak", "93250", []string{"Jalan Batu Kawa", "Lorong Batu Kawa %d"}, 1, false},
	{"Petra Jaya", "Kuching", "Sarawak", "93050", []string{"Jalan Matang", "Lorong Demak %d"}, 1, false},
	{"Taman Tunku", "Miri", "Sarawak", "98000", []string{"Jalan Bulan Sabit", "Lorong Taman Tunku %d"}, 1, false},
	{"Taman Nyabor", "Sibu", "Sarawak", "96000", []string{"Jalan Kampung Nyabor", "Lorong Nyabor %d"}, 1, false},
	{"Taman Sebiew", "Bintulu", "Sarawak", "97000", []string{"Jalan Tun Hussein Onn"}, 1, false},
	{"Kampung Patau-Patau", "Labuan", "Labuan", "87000", []string{"Jalan Merdeka"}, 0.5, false},
	// Melaka, Negeri Sembilan.
	{"Ayer Keroh Heights", "Ayer Keroh", "Melaka", "75450", []string{"Jalan Ayer Keroh Lama", "Jalan AKH %d"}, 1, false},
	{"Bukit Baru", "Melaka", "Melaka", "75150", []string{"Jalan Bukit Baru", "Jalan BB %d"}, 1, false},
	{"Batu Berendam", "Melaka", "Melaka", "75350", []string{"Jalan Batu Berendam", "Jalan BBP %d"}, 1, false},
	{"Seremban 2", "Seremban", "Negeri Sembilan", "70300", []string{"Jalan S2 B%d", "Jalan S2 F%d"}, 2, false},
	{"Taman Marida", "Senawang", "Negeri Sembilan", "70450", []string{"Jalan TM %d"}, 1, false},
	{"Bandar Baru Nilai", "Nilai", "Negeri Sembilan", "71800", []string{"Jalan BBN 1/%d"}, 1, true},
	// East coast and north.
	{"Indera Mahkota", "Kuantan", "Pahang", "25200", []string{"Jalan IM 3/%d", "Jalan IM 7/%d"}, 1, false},
	{"Beserah", "Kuantan", "Pahang", "26100", []string{"Jalan Beserah"}, 1, false},
	{"Taman Temerloh Jaya", "Temerloh", "Pahang", "28000", []string{"Jalan Ahmad Shah"}, 0.5, false},
	{"Taman Uda", "Alor Setar", "Kedah", "05200", []string{"Jalan Sultan Badlishah", "Lorong Uda %d"}, 1, false},
	{"Bandar Amanjaya", "Sungai Petani", "Kedah", "08000", []string{"Jalan Ibrahim", "Jalan BA %d"}, 1, false},
	{"Kubang Kerian", "Kota Bharu", "Kelantan", "16150", []string{"Jalan Raja Perempuan Zainab II", "Lorong Kubang Kerian %d"}, 1, false},
	{"Kampung Kota", "Kota Bharu", "Kelantan", "15100", []string{"Jalan Sultan Yahya Petra", "Lorong Kota %d"}, 1, false},
	{"Bukit Besar", "Kuala Terengganu", "Terengganu", "20300", []string{"Jalan Sultan Mahmud", "Jalan Bukit Besar"}, 1, false},
	{"Taman Seberang Ramai", "Kangar", "Perlis", "01000", []string{"Jalan Kangar-Alor Setar"}, 0.5, false},
}

var condoNames = []string{"Pangsapuri Seri Kenanga", "Residensi Vista", "Pangsapuri Sri Melor", "Residensi Harmoni",
	"Vista Impiana Condominium", "Pangsapuri Permai", "Residensi Angsana", "Casa Idaman", "Pangsapuri Mutiara"}

// address builds a plausible Malaysian address in a.
func address(r *rand.Rand, a *area) []string {
	street := pick(r, a.streets)
	if strings.Count(street, "%d") == 2 {
		street = fmt.Sprintf(street, 1+r.IntN(12), 1+r.IntN(40))
	} else if strings.Contains(street, "%d") {
		street = fmt.Sprintf(street, 1+r.IntN(30))
	}
	if a.condo && r.IntN(3) > 0 || r.IntN(8) == 0 {
		unit := fmt.Sprintf("%c-%d-%02d, %s", 'A'+r.IntN(4), 1+r.IntN(25), 1+r.IntN(12), pick(r, condoNames))
		return []string{unit, street + ", " + a.name}
	}
	return []string{fmt.Sprintf("No. %d, %s", 1+r.IntN(150), street), a.name}
}

var buyerNotes = []string{
	"Tolong bungkus elok-elok ya, terima kasih!",
	"Hadiah untuk mak, jangan letak invois dalam kotak.",
	"Letak depan pagar je kalau tak ada orang.",
	"Please call before delivery.",
	"Nak cepat sikit boleh? Terima kasih seller.",
	"Warna ikut gambar ya.",
	"Please pack nicely, it's a birthday gift.",
	"Hantar ke guard house kalau tak ada orang.",
	"Saiz M ye seller, terima kasih.",
	"Double check colour before send pls.",
	"Tolong bubble wrap lebih.",
	"Jangan hantar hari Ahad.",
}
