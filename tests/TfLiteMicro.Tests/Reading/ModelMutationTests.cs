using System.Diagnostics;
using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Reading;

/// <summary>
/// Robustness of the whole runtime against corrupted model bytes: every mutant of the shared models (random bit flips,
/// byte overwrites, truncations, forged offsets and lengths) either loads and runs, or throws one of this library's
/// documented exceptions (<see cref="TfLiteMicroException"/>): no other exception, no hang, no crash.
/// 20,000 mutants by default; set TFLM_MUTANTS (e.g. 1000000) for a long run.
/// </summary>
public sealed class ModelMutationTests(ITestOutputHelper output)
{
    private static readonly string[] SmallModels =
    [
        "hello_world_int8", "hello_world_float", "simple_add_model", "micro_speech_quantized",
        "keyword_scrambled_8bit", "trained_lstm_int8", "audio_preprocessor_int8",
    ];

    [SkippableFact]
    public void EveryMutantLoadsOrFailsWithADocumentedException()
    {
        int total = int.TryParse(Environment.GetEnvironmentVariable("TFLM_MUTANTS"), out int n) && n > 0 ? n : 20_000;
        var models = SmallModels.Select(SharedData.ReadModel).ToArray();
        var outcome = new MutationOutcome();
        Exception? failure = null;

        // The loop runs on its own thread so a hang is reported as a failure instead of stalling the test run.
        var worker = new Thread(() =>
        {
            try { Run(models, total, outcome); }
            catch (Exception e) { failure = e; }
        }, 64 * 1024 * 1024) { IsBackground = true };
        var clock = Stopwatch.StartNew();
        worker.Start();
        TimeSpan budget = TimeSpan.FromSeconds(Math.Max(120, total / 100));
        bool finished = worker.Join(budget);
        Assert.True(finished, $"mutant {outcome.Current} ({outcome.Description}) did not finish within {budget.TotalSeconds:F0} s: a hang");
        if (failure is not null) throw failure;

        output.WriteLine($"{total} mutants in {clock.Elapsed.TotalSeconds:F1} s: {outcome.Loaded} loaded, {outcome.Invoked} ran, " +
            $"{outcome.Rejected} rejected with a documented exception");
        foreach ((string type, int count) in outcome.RejectedBy.OrderByDescending(kv => kv.Value))
            output.WriteLine($"  {type}: {count}");
        Assert.Equal(total, outcome.Invoked + outcome.Rejected);
    }

    private sealed class MutationOutcome
    {
        public int Current, Loaded, Invoked, Rejected;
        public string Description = "";
        public readonly Dictionary<string, int> RejectedBy = [];
    }

    private static void Run(byte[][] models, int total, MutationOutcome outcome)
    {
        var random = new Random(20261125);
        var arena = new byte[1 << 20];
        for (int i = 0; i < total; i++)
        {
            int which = random.Next(models.Length);
            byte[] mutant = ModelBytes.Mutate(models[which], random, out string how);
            outcome.Current = i;
            outcome.Description = $"{SmallModels[which]}, {how}";
            try
            {
                Model model = Model.Load(mutant);
                outcome.Loaded++;
                var interpreter = new MicroInterpreter(model, GoldenRunner.FullResolver(), arena);
                interpreter.AllocateTensors();
                interpreter.Invoke();
                outcome.Invoked++;
            }
            catch (TfLiteMicroException e)
            {
                outcome.Rejected++;
                string type = e.GetType().Name;
                outcome.RejectedBy[type] = outcome.RejectedBy.GetValueOrDefault(type) + 1;
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"mutant {i} ({outcome.Description}) threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
    }
}
