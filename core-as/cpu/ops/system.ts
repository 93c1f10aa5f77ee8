// System instructions (SDM vol.2, vol.3 chapters 2-5). Filled in with the protected-mode work.
