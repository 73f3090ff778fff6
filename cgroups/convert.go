package cgroups

import "fmt"

// ConvertCPUSharesToCgroupV2Value maps v1 cpu.shares [2, 262144] onto v2
// cpu.weight [1, 10000]. 0 (unset) stays 0.
func ConvertCPUSharesToCgroupV2Value(cpuShares uint64) uint64 {
	if cpuShares == 0 {
		return 0
	}
	return 1 + ((cpuShares-2)*9999)/262142
}

// ConvertMemorySwapToCgroupV2Value converts a v1 memory+swap limit into a
// v2 memory.swap.max value (swap only). -1 means unlimited, 0 leaves it
// unset. A swap limit needs a memory limit and may not be below it.
func ConvertMemorySwapToCgroupV2Value(memorySwap, memory int64) (int64, error) {
	// Unlimited memory with unset swap means unlimited swap too.
	if memory == -1 && memorySwap == 0 {
		return -1, nil
	}
	if memorySwap == -1 || memorySwap == 0 {
		return memorySwap, nil
	}
	if memory == 0 || memory == -1 {
		return 0, fmt.Errorf("unable to set swap limit %d without a memory limit", memorySwap)
	}
	if memory < 0 {
		return 0, fmt.Errorf("invalid memory limit %d", memory)
	}
	if memorySwap < memory {
		return 0, fmt.Errorf("memory+swap limit (%d) should be >= memory limit (%d)", memorySwap, memory)
	}
	return memorySwap - memory, nil
}

// ConvertBlkIOToIOWeightValue maps v1 blkio.weight [10, 1000] onto v2
// io.weight [1, 10000]. 0 (unset) stays 0.
func ConvertBlkIOToIOWeightValue(blkIoWeight uint16) uint64 {
	if blkIoWeight == 0 {
		return 0
	}
	return 1 + (uint64(blkIoWeight)-10)*9999/990
}
