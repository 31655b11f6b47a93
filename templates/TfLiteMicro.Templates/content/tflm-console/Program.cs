using TfLiteMicro;

// The model: model.tflite, embedded by `tflm embed` as constant data (Model.g.cs): no file to ship, no copy at startup.
Model model = Models.EmbeddedModel.Load();

// Exactly the model's ops, as `tflm resolver model.tflite` prints them: a trimmed or NativeAOT build keeps only
// these kernels (OpResolver.WithAllBuiltins() would keep all of them).
var resolver = new OpResolver()
    .AddFullyConnected();

// All tensors live in this arena; `tflm info model.tflite` says how much the model needs.
var arena = new byte[2 * 1024];
using var interpreter = new MicroInterpreter(model, resolver, arena);
interpreter.AllocateTensors();

// The sine model (x in, sin(x) out, both int8): quantize x, invoke, dequantize the prediction.
Tensor input = interpreter.Input(0), output = interpreter.Output(0);
Console.WriteLine("     x   sin(x)  predicted");
for (int i = 0; i <= 8; i++)
{
    double x = i * Math.PI / 4;
    input.AsSpan<sbyte>()[0] = (sbyte)Math.Clamp(Math.Round(x / input.Scale + input.ZeroPoint), sbyte.MinValue, sbyte.MaxValue);
    interpreter.Invoke();
    double predicted = output.Scale * (output.AsReadOnlySpan<sbyte>()[0] - output.ZeroPoint);
    Console.WriteLine($"{x,6:0.000}  {Math.Sin(x),7:0.000}  {predicted,9:0.000}");
}
Console.WriteLine($"arena: {interpreter.ArenaUsage}");
