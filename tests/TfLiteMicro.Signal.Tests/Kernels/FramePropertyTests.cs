using System.Runtime.InteropServices;

namespace TfLiteMicro.Signal.Tests.Kernels;

/// <summary>SignalWindow, SignalFftAutoScale and SignalEnergy: the fast functions against the reference ones on random frames and parameters.</summary>
public class FramePropertyTests
{
    [Fact]
    public void WindowMatchesTheReference()
    {
        var random = new Random(480);
        for (int c = 0; c < FastPaths.Cases(300); c++)
        {
            int length = c % 4 == 0 ? 480 : random.Next(1, 600);
            int frames = random.Next(1, 4);
            // Small shifts saturate most products, large ones leave few bits.
            int shift = c % 3 == 0 ? random.Next(0, 4) : random.Next(0, 32);
            short[] input = FftPropertyTests.Samples(random, length * frames, c);
            short[] window = FftPropertyTests.Samples(random, length, c / 6);
            FastPaths.AssertLoop<short>(input.Length,
                output => FrameArithmetic.WindowReference(shift, input, window, output),
                (level, output) => FrameArithmetic.Window(level, shift, input, window, output),
                $"case {c}: {frames} frames of {length}, shift {shift}");
        }
    }

    [Fact]
    public void AutoScaleMatchesTheReference()
    {
        var random = new Random(512);
        for (int c = 0; c < FastPaths.Cases(400); c++)
        {
            int length = c % 4 == 0 ? 480 : random.Next(1, 700);
            short[] input = FftPropertyTests.Samples(random, length, c);
            // A lone -32768 somewhere: the reference's int16 maximum then depends on the samples after it.
            if (c % 5 == 0) input[random.Next(length)] = short.MinValue;
            int expectedBits = 0, actualBits = 0;
            FastPaths.AssertLoop<short>(length,
                output => expectedBits = FrameArithmetic.AutoScaleReference(input, output),
                (level, output) =>
                {
                    actualBits = FrameArithmetic.AutoScale(level, input, output);
                    Assert.True(expectedBits == actualBits, $"case {c}, level {level}: scale bits {actualBits}, the reference gives {expectedBits}");
                },
                $"case {c}: {length} samples");
        }
    }

    [Fact]
    public void EnergyMatchesTheReferenceAndLeavesTheOtherBins()
    {
        var random = new Random(257);
        for (int c = 0; c < FastPaths.Cases(300); c++)
        {
            int bins = c % 4 == 0 ? 257 : random.Next(1, 400);
            int start = random.Next(0, bins + 1), end = random.Next(start, bins + 1);
            Complex<short>[] spectrum = MemoryMarshal.Cast<short, Complex<short>>(FftPropertyTests.Samples(random, 2 * bins, c)).ToArray();
            // Bins outside [start, end) keep what the output held; both sides start them at the same marker.
            void MarkOthers(Span<uint> output)
            {
                output[..start].Fill(0xDEADBEEF);
                output[end..].Fill(0xDEADBEEF);
            }
            FastPaths.AssertLoop<uint>(bins,
                output =>
                {
                    MarkOthers(output);
                    FrameArithmetic.EnergyReference(spectrum, start, end, output);
                },
                (level, output) =>
                {
                    MarkOthers(output);
                    FrameArithmetic.Energy(level, spectrum, start, end, output);
                },
                $"case {c}: bins [{start}, {end}) of {bins}");
        }
    }
}
