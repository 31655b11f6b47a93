using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TfLiteMicro.Cli;

/// <summary>How the tool prints tensors, shapes, quantization and numbers (invariant culture throughout).</summary>
internal static class TensorText
{
    public static string Shape(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    public static string TypeAndShape(ModelTensor tensor) => TensorTypes.GetName(tensor.Type) + Shape(tensor.Shape);

    public static string Quantization(QuantizationParameters q)
    {
        if (!q.IsQuantized) return "";
        if (q.Scales.Length == 1)
            return $"scale {Number(q.Scales[0])} zero_point {q.ZeroPoint.ToString(CultureInfo.InvariantCulture)}";
        float min = float.MaxValue, max = float.MinValue;
        foreach (float s in q.Scales) { min = Math.Min(min, s); max = Math.Max(max, s); }
        return $"per-channel on dim {q.QuantizedDimension.ToString(CultureInfo.InvariantCulture)}: " +
               $"{q.Scales.Length.ToString(CultureInfo.InvariantCulture)} scales in [{Number(min)}, {Number(max)}]";
    }

    /// <summary>One line for a tensor: index, name, type, shape, quantization and flags.</summary>
    public static string Describe(ModelTensor tensor)
    {
        var sb = new StringBuilder();
        sb.Append('t').Append(tensor.Index.ToString(CultureInfo.InvariantCulture)).Append(' ');
        sb.Append(TypeAndShape(tensor));
        string quant = Quantization(tensor.Quantization);
        if (quant.Length > 0) sb.Append(' ').Append(quant);
        if (tensor.IsConstant) sb.Append(" const");
        if (tensor.IsVariable) sb.Append(" variable");
        if (tensor.Name.Length > 0) sb.Append(" '").Append(tensor.Name).Append('\'');
        return sb.ToString();
    }

    public static string Number(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return value.ToString(CultureInfo.InvariantCulture);
        return value.ToString("G6", CultureInfo.InvariantCulture);
    }

    public static string Bytes(long bytes)
    {
        string exact = bytes.ToString("N0", CultureInfo.InvariantCulture);
        if (bytes < 1024) return exact + " B";
        double kib = bytes / 1024.0;
        return kib < 1024
            ? $"{exact} B ({kib.ToString("0.#", CultureInfo.InvariantCulture)} KiB)"
            : $"{exact} B ({(kib / 1024).ToString("0.##", CultureInfo.InvariantCulture)} MiB)";
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static void WriteTensorJson(Utf8JsonWriter json, ModelTensor tensor)
    {
        json.WriteStartObject();
        json.WriteNumber("index", tensor.Index);
        json.WriteString("name", tensor.Name);
        json.WriteString("dtype", TensorTypes.GetName(tensor.Type));
        json.WritePropertyName("shape");
        WriteInts(json, tensor.Shape);
        long bytes = TensorTypes.ByteCount(tensor.Type, tensor.ElementCount);
        json.WriteNumber("bytes", bytes);
        json.WriteBoolean("constant", tensor.IsConstant);
        json.WriteBoolean("variable", tensor.IsVariable);
        QuantizationParameters q = tensor.Quantization;
        if (q.IsQuantized)
        {
            json.WriteStartObject("quantization");
            json.WriteStartArray("scales");
            foreach (float s in q.Scales) json.WriteNumberValue(s);
            json.WriteEndArray();
            json.WriteStartArray("zeroPoints");
            // A model may omit the zero points, which are then all zero.
            if (q.ZeroPoints.IsEmpty) foreach (float _ in q.Scales) json.WriteNumberValue(0);
            foreach (long z in q.ZeroPoints) json.WriteNumberValue(z);
            json.WriteEndArray();
            json.WriteNumber("quantizedDimension", q.QuantizedDimension);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    public static void WriteInts(Utf8JsonWriter json, ReadOnlySpan<int> values)
    {
        json.WriteStartArray();
        foreach (int v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    /// <summary>Writes a JSON number, or a string for NaN and infinities, which JSON cannot hold.</summary>
    public static void WriteDouble(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a named JSON number, or a string for NaN and infinities (<see cref="WriteDouble(Utf8JsonWriter, double)"/>).</summary>
    public static void WriteDouble(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        WriteDouble(json, value);
    }

    /// <summary>Runs <paramref name="write"/> against an indented JSON writer and prints the result.</summary>
    public static void PrintJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            write(json);
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
