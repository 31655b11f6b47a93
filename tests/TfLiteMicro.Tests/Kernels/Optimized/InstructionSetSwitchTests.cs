using System.Runtime.Intrinsics;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The level the optimized kernels pick follows the runtime's instruction-set switches, so the runs CI makes with
/// DOTNET_EnableAVX2=0 and friends really exercise the lower paths.
/// </summary>
public sealed class InstructionSetSwitchTests
{
    private static bool SwitchedOff(string name) => Environment.GetEnvironmentVariable(name) == "0";

    [Fact]
    public void ChosenLevelRespectsTheRuntimeSwitches()
    {
        if (SwitchedOff("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector128.IsHardwareAccelerated);
            Assert.Equal(SimdLevel.Reference, Simd.Supported);
        }
        if (SwitchedOff("DOTNET_EnableAVX2")) Assert.True(Simd.Supported < SimdLevel.Avx2, $"level {Simd.Supported}");
        if (SwitchedOff("DOTNET_EnableAVXVNNI")) Assert.True(Simd.Supported < SimdLevel.AvxVnni, $"level {Simd.Supported}");
        if (Simd.Supported >= SimdLevel.AvxVnni) Assert.True(System.Runtime.Intrinsics.X86.AvxVnni.IsSupported);
    }
}
