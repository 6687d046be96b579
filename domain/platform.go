package domain

import (
	"fmt"
	"strings"
)

// Platform is a marketplace Kedai syncs with.
type Platform string

const (
	Lazada Platform = "lazada"
	Shopee Platform = "shopee"
	TikTok Platform = "tiktok"
)

// Platforms lists every supported platform in display order.
var Platforms = []Platform{Lazada, Shopee, TikTok}

// ParsePlatform accepts a platform name in any case ("Lazada", "shopee", "TikTok Shop").
func ParsePlatform(s string) (Platform, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "lazada":
		return Lazada, nil
	case "shopee":
		return Shopee, nil
	case "tiktok", "tiktok shop", "tiktokshop":
		return TikTok, nil
	}
	return "", fmt.Errorf("unknown platform %q: use lazada, shopee or tiktok", s)
}

// Title is the name a seller knows the platform by.
func (p Platform) Title() string {
	switch p {
	case Lazada:
		return "Lazada"
	case Shopee:
		return "Shopee"
	case TikTok:
		return "TikTok Shop"
	}
	return string(p)
}

// Store is one linked shop on one platform. A seller often has several per platform.
type Store struct {
	ID       int64
	Platform Platform
	Name     string
	Region   string // ISO country code of the venture: MY, SG, TH, PH, VN, ID
	ShopID   string // the platform's id for the shop (Lazada seller id, Shopee shop_id, TikTok shop id)
}

// Currency returns the currency a store in the region trades in.
func RegionCurrency(region string) string {
	switch strings.ToUpper(region) {
	case "SG":
		return "SGD"
	case "TH":
		return "THB"
	case "PH":
		return "PHP"
	case "VN":
		return "VND"
	case "ID":
		return "IDR"
	}
	return "MYR"
}
