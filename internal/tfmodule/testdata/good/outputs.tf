output "url" {
  description = "Where it is."
  value       = "https://${var.name}"
}
