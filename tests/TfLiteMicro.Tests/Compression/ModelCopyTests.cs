using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// The compressor rewrites models through <see cref="ModelCopy"/>: a copy of every golden single-operator model (every op
/// type and its options table, copied field by field) still gives TFLM's outputs, and so does a copy of each whole model.
/// </summary>
public sealed class ModelCopyTests
{
    [SkippableFact]
    public void CopiesOfTheGoldenModelsGiveTflmsOutputs()
    {
        SharedData.RequireRoot();
        var failures = new List<string>();
        int count = 0;
        IEnumerable<string> cases = GoldenCase.OpCaseNames().Select(n => SharedData.Path("golden", "ops", n))
            .Concat(GoldenCase.ModelCaseNames().Select(n => SharedData.Path("golden", n)));
        string directory = Path.Combine(Path.GetTempPath(), "tflm-model-copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            foreach (string dir in cases)
            {
                GoldenCase original = GoldenCase.Load(dir);
                Model model = Model.Load(File.ReadAllBytes(original.ModelPath));
                string copyPath = Path.Combine(directory, "copy.tflite");
                File.WriteAllBytes(copyPath, ModelCopy.ToBuilder(model, new Dictionary<(int, int), byte[]>(), _ => true).Build());
                GoldenCase copy = new()
                {
                    Name = original.Name, Directory = original.Directory, ModelPath = copyPath,
                    TflmArenaUsedBytes = original.TflmArenaUsedBytes, Inputs = original.Inputs, Outputs = original.Outputs,
                };
                string? problem = GoldenRunner.Run(copy, GoldenRunner.FullResolver(), out _);
                if (problem is not null) failures.Add($"{original.Name}: {problem}");
                count++;
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        Assert.True(count > 600, $"only {count} cases");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }
}
