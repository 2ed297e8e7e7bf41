# Guest workload: verify data in anonymous memory (three rounds of 64 MiB).
dvm-memtest -r 3 -s 0x5eed 64
