"""Domain types and protocols: no third-party SDKs below this package."""
