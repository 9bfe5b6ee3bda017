# No terraform block.
