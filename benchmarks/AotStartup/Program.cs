using TfLiteMicro;

// micro_speech_quantized on one second of features (zeros): load the embedded model, prepare, invoke once, print the
// scores and the label. What a board program does before its first answer.
string[] labels = ["silence", "unknown", "yes", "no"];
Model model = AotStartup.MicroSpeechModel.Load();
#if ALL_BUILTINS
OpResolver resolver = OpResolver.WithAllBuiltins();
#else
OpResolver resolver = new OpResolver().AddReshape().AddDepthwiseConv2D().AddFullyConnected().AddSoftmax();
#endif
using var interpreter = new MicroInterpreter(model, resolver, new byte[8 * 1024]);
interpreter.AllocateTensors();
interpreter.Input(0).AsSpan<sbyte>().Clear();
interpreter.Invoke();

ReadOnlySpan<sbyte> scores = interpreter.Output(0).AsReadOnlySpan<sbyte>();
int best = 0;
for (int i = 1; i < scores.Length; i++)
    if (scores[i] > scores[best]) best = i;
Console.WriteLine($"{labels[best]} ({scores[0]} {scores[1]} {scores[2]} {scores[3]})");
