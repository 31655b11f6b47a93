using System.Text.Json;
using TfLiteMicro.Quantization;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Quantization;

/// <summary>Our fixed-point helpers against the vectors TFLM's own helpers produced (../shared/golden/fixed_point.json).</summary>
public sealed class FixedPointGoldenTests
{
    private static JsonElement Rows(string name)
    {
        JsonDocument doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "fixed_point.json")));
        return doc.RootElement.GetProperty(name);
    }

    [SkippableFact]
    public void QuantizeMultiplierMatchesTflm()
    {
        int n = 0;
        foreach (JsonElement row in Rows("QuantizeMultiplier").EnumerateArray())
        {
            double real = row[0].GetDouble();
            (int m, int s) = FixedPoint.QuantizeMultiplier(real);
            Assert.True(m == row[1].GetInt32() && s == row[2].GetInt32(), $"QuantizeMultiplier({real:R}) = ({m}, {s}), TFLM ({row[1]}, {row[2]})");
            n++;
        }
        Assert.True(n >= 100);
    }

    [SkippableFact]
    public void MultiplyByQuantizedMultiplier32MatchesTflm()
    {
        foreach (JsonElement row in Rows("MultiplyByQuantizedMultiplier32").EnumerateArray())
            Assert.Equal(row[3].GetInt32(), FixedPoint.MultiplyByQuantizedMultiplier(row[0].GetInt32(), row[1].GetInt32(), row[2].GetInt32()));
    }

    [SkippableFact]
    public void MultiplyByQuantizedMultiplier64MatchesTflm()
    {
        foreach (JsonElement row in Rows("MultiplyByQuantizedMultiplier64").EnumerateArray())
            Assert.Equal(row[3].GetInt32(), FixedPoint.MultiplyByQuantizedMultiplier(row[0].GetInt64(), row[1].GetInt32(), row[2].GetInt32()));
    }

    [SkippableFact]
    public void SaturatingRoundingDoublingHighMulMatchesTflm()
    {
        foreach (JsonElement row in Rows("SaturatingRoundingDoublingHighMul").EnumerateArray())
            Assert.Equal(row[2].GetInt32(), FixedPoint.SaturatingRoundingDoublingHighMul(row[0].GetInt32(), row[1].GetInt32()));
    }

    [SkippableFact]
    public void RoundingDivideByPotMatchesTflm()
    {
        foreach (JsonElement row in Rows("RoundingDivideByPOT").EnumerateArray())
            Assert.Equal(row[2].GetInt32(), FixedPoint.RoundingDivideByPOT(row[0].GetInt32(), row[1].GetInt32()));
    }
}
