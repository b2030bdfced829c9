/** The YAML subset reader lives with `filibuster init`, which reads compose files with it; the tests read the examples with it. */
export { parseYamlDocuments, YamlSubsetError, type Yaml } from '../orchestrator/cli/yaml-subset.js';
