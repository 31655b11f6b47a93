using System.Globalization;
using System.Text.RegularExpressions;

namespace TfLiteMicro.Modeling.Tests;

public class CSharpEmbedderTests
{
    [Fact]
    public void GeneratedSourceHoldsTheBytes()
    {
        byte[] bytes = new byte[37];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(i * 7);
        string source = CSharpEmbedder.Generate(bytes, "My.Models", "Tiny", "tiny.tflite");
        Assert.Contains("namespace My.Models;", source);
        Assert.Contains("public static class Tiny", source);
        Assert.Contains("public const int Length = 37;", source);
        Assert.Contains("public static global::System.ReadOnlySpan<byte> Data =>", source);
        Assert.Contains("global::TfLiteMicro.Model.LoadStatic(Data)", source);
        Assert.Contains("tiny.tflite", source);
        byte[] parsed = Regex.Matches(source, "0x([0-9A-F]{2}),")
            .Select(m => byte.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(bytes, parsed);
        Assert.Equal(source, CSharpEmbedder.Generate(bytes, "My.Models", "Tiny", "tiny.tflite"));
    }

    [Theory]
    [InlineData("1abc", "C")]
    [InlineData("A..B", "C")]
    [InlineData("A", "B.C")]
    [InlineData("A", "")]
    [InlineData("A", "x-y")]
    public void RejectsInvalidNames(string ns, string className)
    {
        Assert.ThrowsAny<ArgumentException>(() => CSharpEmbedder.Generate([1, 2], ns, className));
    }
}
