region            = "ap-south-1"
github_repository = "your-org/hostel-mess"
