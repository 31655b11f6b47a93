using BenchmarkDotNet.Attributes;
using TfLiteMicro.Compression;
using TfLiteMicro.Modeling.Compression;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// Decompressing a LUT-compressed int8 tensor (64 Ki values, 256 channels of 256 along the first axis, tables of 2^bits):
/// this runtime's decoder with its vector paths, the same decoder scalar, and a naive decoder that extracts each index
/// bit by bit from its position as TFLM's generic path does, against copying the plain values.
/// </summary>
[MemoryDiagnoser]
public class LutDecodeBenchmarks
{
    private const int Channels = 256, PerChannel = 256;
    private byte[] _encoded = [], _tables = [], _plain = [], _output = [];
    private LutLayout _layout;

    [Params(2, 3, 4, 5, 7)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        int entries = 1 << Bits;
        _tables = new byte[Channels * entries];
        random.NextBytes(_tables);
        var indices = new int[Channels * PerChannel];
        for (int i = 0; i < indices.Length; i++) indices[i] = random.Next(entries);
        _encoded = LutCompressor.Pack(indices, Bits);
        _layout = new LutLayout(Bits, indices.Length, 1, Channels, entries, lastAxis: false);
        _plain = new byte[indices.Length];
        _output = new byte[indices.Length];
        LutDecoder.Decode(_encoded, _tables, _layout, _plain);
    }

    [Benchmark(Baseline = true)]
    public void CopyPlain() => _plain.CopyTo(_output, 0);

    [Benchmark]
    public void Decode() => LutDecoder.Decode(_encoded, _tables, _layout, _output);

    [Benchmark]
    public void DecodeScalar() => LutDecoder.Decode(_encoded, _tables, _layout, _output, allowSimd: false);

    [Benchmark]
    public void DecodeNaive()
    {
        int bits = Bits, mask = (1 << bits) - 1, stride = 1 << bits;
        for (int i = 0; i < _output.Length; i++)
        {
            long bit = (long)i * bits;
            int at = (int)(bit >> 3);
            int pair = _encoded[at] << 8 | (at + 1 < _encoded.Length ? _encoded[at + 1] : 0);
            int index = (pair >> (16 - (int)(bit & 7) - bits)) & mask;
            _output[i] = _tables[i / PerChannel * stride + index];
        }
    }
}

/// <summary>
/// Invoke latency of shared models as they are ("plain") and compressed by <c>tflm compress --auto --bits 4</c>
/// (optimized kernels): decompressing the weights in every Invoke into arena buffers ("compressed"), or once into
/// decompression memory with room for all of them ("compressed, own memory").
/// </summary>
[MemoryDiagnoser]
public class CompressedModelBenchmarks
{
    private InterpreterRun? _run;

    [Params("person_detect", "micro_speech_quantized")]
    public string Model { get; set; } = "";

    [Params("plain", "compressed", "compressed, own memory")]
    public string Form { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        byte[] bytes = SharedModels.Read(Model);
        InterpreterOptions? options = null;
        if (Form != "plain")
        {
            TfLiteMicro.Model model = TfLiteMicro.Model.Load(bytes);
            LutCompressionResult result = LutCompressor.Compress(model, LutCompressor.ChooseTensors(model, 4));
            bytes = result.Model;
            if (Form == "compressed, own memory")
                options = new InterpreterOptions { DecompressionMemory = [new byte[(int)result.Tensors.Sum(t => t.OriginalBytes) + 4096]] };
        }
        _run = new InterpreterRun(bytes, reference: false, options: options);
    }

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    [Benchmark]
    public void Invoke() => _run!.Invoke();
}
