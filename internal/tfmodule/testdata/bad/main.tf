variable "stray" {
  type        = string
  description = "In the wrong file."
}

output "hidden" {
  value = 1
}
