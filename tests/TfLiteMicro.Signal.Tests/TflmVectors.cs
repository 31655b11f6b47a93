using System.Text.Json;

namespace TfLiteMicro.Signal.Tests;

/// <summary>
/// The numbers of TFLM's own signal kernel tests (signal/micro/kernels/*_test.cc, the FlexBuffer option bytes
/// they use, and signal/testdata/fft_test_data.cc), stored as data: per test its arrays and constants.
/// </summary>
public static class TflmVectors
{
    private static readonly Lazy<JsonDocument> s_doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "tflm_signal_test_vectors.json"))));

    private static JsonElement Root => s_doc.Value.RootElement;

    public static TflmTest Test(string suite, string name) => new(Root.GetProperty("tests").GetProperty($"{suite},{name}"));

    public static byte[] FlexBuffer(string symbol) => [.. Root.GetProperty("flexbuffers").GetProperty(symbol).EnumerateArray().Select(e => (byte)e.GetInt32())];

    public static double[] Data(string symbol) => [.. Root.GetProperty("data").GetProperty(symbol).EnumerateArray().Select(e => e.GetDouble())];
}

public sealed class TflmTest(JsonElement element)
{
    public double[] Array(string name) => [.. element.GetProperty("arrays").GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];

    public bool HasArray(string name) => element.GetProperty("arrays").TryGetProperty(name, out _);

    public int Const(string name) => element.GetProperty("consts").GetProperty(name).GetInt32();

    /// <summary>A shape written as TFLM's IntArray literal: rank first, then the dimensions.</summary>
    public int[] Shape(string name)
    {
        double[] raw = Array(name);
        return [.. raw.Skip(1).Take((int)raw[0]).Select(d => (int)d)];
    }

    public byte[] Options => TflmVectors.FlexBuffer(element.GetProperty("flexbuffers")[0].GetString()!);

    public double[] Data(int index) => TflmVectors.Data(element.GetProperty("data")[index].GetString()!);

    public string[] DataNames => [.. element.GetProperty("data").EnumerateArray().Select(e => e.GetString()!)];

    public double Tolerance => element.GetProperty("tolerance").GetDouble();

    public int ScaleBitGolden => element.GetProperty("scale_bit_golden").GetInt32();
}
