variable "name" {
  type        = string
  description = "Name of the thing, e.g. `\"hub\"`."

  validation {
    condition     = length(var.name) > 2
    error_message = "name must be at least 3 characters."
  }
}

variable "pools" {
  type = map(object({
    min = optional(number, 0)
    max = number
  }))
  default     = {}
  description = <<-EOT
    Pools by name.

    A pipe | in text.
  EOT
}

variable "token" {
  type        = string
  default     = null
  sensitive   = true
  description = "A token."
}
