package configs

// HugepageLimit is a hugetlb usage limit for one page size.
type HugepageLimit struct {
	// Pagesize is the page size, such as "2MB" or "1GB".
	Pagesize string `json:"page_size"`
	// Limit is the limit in bytes.
	Limit uint64 `json:"limit"`
}
