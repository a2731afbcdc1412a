/* Test harness for msc AOT objects: reads the model inputs from stdin, runs msc_model_run once,
 * writes the outputs to stdout.
 * usage: harness <n_inputs> <input sizes in bytes...> <n_outputs> <output sizes in bytes...> */
#include <stdio.h>
#include <stdlib.h>

extern void msc_model_run(void *const *inputs, void *const *outputs, void *arena);
extern const unsigned long long msc_model_arena_size;

static size_t parse_size(const char *s) { return (size_t)strtoull(s, NULL, 10); }

int main(int argc, char **argv) {
    int a = 1;
    if (argc < 3) {
        fprintf(stderr, "usage: %s <n_inputs> <sizes...> <n_outputs> <sizes...>\n", argv[0]);
        return 2;
    }
    int n_in = atoi(argv[a++]);
    void **inputs = calloc((size_t)n_in + 1, sizeof(void *));
    for (int i = 0; i < n_in; i++) {
        size_t n = parse_size(argv[a++]);
        inputs[i] = malloc(n + 1);
        if (fread(inputs[i], 1, n, stdin) != n) {
            fprintf(stderr, "short input %d\n", i);
            return 3;
        }
    }
    int n_out = atoi(argv[a++]);
    void **outputs = calloc((size_t)n_out + 1, sizeof(void *));
    size_t *out_sizes = calloc((size_t)n_out + 1, sizeof(size_t));
    for (int i = 0; i < n_out; i++) {
        out_sizes[i] = parse_size(argv[a++]);
        outputs[i] = calloc(out_sizes[i] + 1, 1);
    }
    void *arena = calloc(msc_model_arena_size + 1, 1);
    msc_model_run((void *const *)inputs, (void *const *)outputs, arena);
    for (int i = 0; i < n_out; i++) {
        fwrite(outputs[i], 1, out_sizes[i], stdout);
    }
    return 0;
}
