using TfLiteMicro.Quantization;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>INT4 weights as TFLM unpacks them: two per byte, the earlier element in the low nibble, sign-extended.</summary>
public class PackedInt4Tests
{
    [Fact]
    public void UnpacksLowNibbleFirstWithSignExtension()
    {
        byte[] packed = [0x21, 0x8F, 0x07];
        var values = new sbyte[5];
        PackedInt4.Unpack(packed, 5, values);
        Assert.Equal(new sbyte[] { 1, 2, -1, -8, 7 }, values);
    }

    [Fact]
    public void RoundTripsEveryValue()
    {
        sbyte[] all = [.. Enumerable.Range(-8, 16).Select(v => (sbyte)v)];
        var values = new sbyte[all.Length];
        PackedInt4.Unpack(ConvTestSupport.PackInt4(all), all.Length, values);
        Assert.Equal(all, values);
    }

    [Fact]
    public void RejectsTooFewBytes()
        => Assert.Throws<ArgumentException>(() => PackedInt4.Unpack(new byte[1], 3, new sbyte[3]));
}
