variable "untyped" {
  description = "No type."
}

variable "undescribed" {
  type = string
}

variable "computed_description" {
  type        = string
  description = "Depends on ${var.untyped}."
}

variable "blank" {
  type        = number
  description = "  "
}
