using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using TfLiteMicro;
using TfLiteMicro.Modeling;

namespace HelloWorld;

/// <summary>
/// TFLM's hello_world in C#: a model that predicts sin(x) on [0, 2π], run from bytes embedded in this assembly.
/// The model was trained, quantized to int8, written as .tflite and embedded by this program's --regenerate.
/// </summary>
public static class Program
{
    private const string Usage = """
        Usage: dotnet run --project examples/HelloWorld [-- options]

          (no options)        run the embedded int8 sine model over x in [0, 2π], print the table, write sine.svg
          --svg PATH          where to write the picture (default: sine.svg in the current directory)
          --points N          number of x values in the sweep (default 25 printed, 200 drawn)
          --regenerate        train, quantize and embed the model again, rewriting SineModel.g.cs
          --out DIR           with --regenerate: where SineModel.g.cs goes (default: this project's folder);
                              the float and int8 .tflite files are written there too
          --seed N            with --regenerate: the seed (default 1)
        """;

    public static int Main(string[] args)
    {
        string svgPath = "sine.svg";
        string? outDir = null;
        bool regenerate = false;
        ulong seed = 1;
        int points = 25;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--svg": svgPath = Next(); break;
                case "--out": outDir = Next(); break;
                case "--regenerate": regenerate = true; break;
                case "--seed": seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--points": points = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}"); return 2;
            }
        }
        if (points < 2) points = 2;
        return regenerate ? Regenerate(outDir ?? ProjectDirectory(), seed) : Run(svgPath, points);
    }

    private static int Run(string svgPath, int points)
    {
        Model model = SineModel.Load();
        var resolver = new OpResolver().AddFullyConnected();
        using var interpreter = new MicroInterpreter(model, resolver, new byte[2048]);
        interpreter.AllocateTensors();

        Console.WriteLine($"Sine model: {SineModel.Length} bytes embedded, int8, arena used {interpreter.ArenaUsedBytes} bytes");
        Console.WriteLine();
        Console.WriteLine("       x     sin(x)  predicted      error");
        for (int i = 0; i < points; i++)
        {
            double x = 2 * Math.PI * i / (points - 1);
            float y = Predict(interpreter, (float)x);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{x,8:F4} {Math.Sin(x),10:F4} {y,10:F4} {y - Math.Sin(x),10:F4}"));
        }

        const int drawn = 200;
        var xs = new double[drawn];
        var ys = new double[drawn];
        double sumError = 0, maxError = 0;
        for (int i = 0; i < drawn; i++)
        {
            xs[i] = 2 * Math.PI * i / (drawn - 1);
            ys[i] = Predict(interpreter, (float)xs[i]);
            double e = Math.Abs(ys[i] - Math.Sin(xs[i]));
            sumError += e;
            maxError = Math.Max(maxError, e);
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Over {drawn} points: mean absolute error {sumError / drawn:F4}, largest {maxError:F4}"));
        File.WriteAllText(svgPath, Svg(xs, ys));
        Console.WriteLine($"Wrote {Path.GetFullPath(svgPath)}");
        return 0;
    }

    /// <summary>Quantizes x with the input tensor's scale and zero point, runs the model, dequantizes the output.</summary>
    private static float Predict(MicroInterpreter interpreter, float x)
    {
        Tensor input = interpreter.Input(0);
        Tensor output = interpreter.Output(0);
        input.AsSpan<sbyte>()[0] = (sbyte)Math.Clamp(Math.Round(x / input.Scale, MidpointRounding.AwayFromZero) + input.ZeroPoint, -128, 127);
        interpreter.Invoke();
        return output.Scale * (output.AsReadOnlySpan<sbyte>()[0] - output.ZeroPoint);
    }

    private static int Regenerate(string outDir, ulong seed)
    {
        Directory.CreateDirectory(outDir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SineModelSet models = SineModels.Create(seed);
        Console.WriteLine($"Trained 1 -> 16 -> 16 -> 1 on {SineModels.SampleCount} noisy samples (seed {seed}) in {clock.ElapsedMilliseconds} ms");

        File.WriteAllBytes(Path.Combine(outDir, "sine_float.tflite"), models.FloatModel);
        File.WriteAllBytes(Path.Combine(outDir, "sine_int8.tflite"), models.Int8Model);
        string source = CSharpEmbedder.Generate(models.Int8Model, "HelloWorld", "SineModel", "sine_int8.tflite");
        string path = Path.Combine(outDir, "SineModel.g.cs");
        File.WriteAllText(path, source);
        Console.WriteLine($"float model {models.FloatModel.Length} bytes, int8 model {models.Int8Model.Length} bytes");
        Console.WriteLine($"Wrote {path} and the .tflite files in {outDir}");
        return 0;
    }

    private static string ProjectDirectory([CallerFilePath] string sourceFile = "") =>
        Path.GetDirectoryName(sourceFile) is { Length: > 0 } dir && Directory.Exists(dir) ? dir : Directory.GetCurrentDirectory();

    private static string Svg(double[] xs, double[] ys)
    {
        const double width = 800, height = 400, left = 50, right = 20, top = 30, bottom = 40;
        double plotW = width - left - right, plotH = height - top - bottom;
        string X(double x) => (left + x / (2 * Math.PI) * plotW).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double y) => (top + (1.2 - y) / 2.4 * plotH).ToString("F1", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append("<text x=\"400\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">int8 sine model (TfLiteMicro.NET) against sin(x)</text>\n");
        foreach (double gy in new[] { -1.0, -0.5, 0.0, 0.5, 1.0 })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0)}\" y1=\"{Y(gy)}\" x2=\"{X(2 * Math.PI)}\" y2=\"{Y(gy)}\" stroke=\"{(gy == 0 ? "#888" : "#ddd")}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(gy)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{gy:0.0}</text>\n");
        }
        string[] labels = ["0", "π/2", "π", "3π/2", "2π"];
        for (int k = 0; k < labels.Length; k++)
        {
            double gx = k * Math.PI / 2;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(gx)}\" y1=\"{Y(1.2)}\" x2=\"{X(gx)}\" y2=\"{Y(-1.2)}\" stroke=\"#eee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(gx)}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{labels[k]}</text>\n");
        }

        svg.Append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < xs.Length; i++) svg.Append(X(xs[i])).Append(',').Append(Y(Math.Sin(xs[i]))).Append(' ');
        svg.Append("\"/>\n");
        svg.Append("<polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < xs.Length; i++) svg.Append(X(xs[i])).Append(',').Append(Y(ys[i])).Append(' ');
        svg.Append("\"/>\n");

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{width - 200}\" y1=\"45\" x2=\"{width - 175}\" y2=\"45\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 168}\" y=\"45\" dominant-baseline=\"middle\">sin(x)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{width - 200}\" y1=\"63\" x2=\"{width - 175}\" y2=\"63\" stroke=\"#ff7f0e\" stroke-width=\"2\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 168}\" y=\"63\" dominant-baseline=\"middle\">model (int8)</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
