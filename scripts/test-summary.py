#!/usr/bin/env python3
"""Prints one closing line over every module's Surefire reports: 'tests: N passed, M failed, K skipped'.

Maven runs quietly (-q) so a newcomer sees failures, not noise; this line says what actually ran.
"""
import glob
import sys
import xml.etree.ElementTree as ET

total = failed = skipped = 0
per_module = {}
for path in glob.glob("**/target/surefire-reports/TEST-*.xml", recursive=True):
    suite = ET.parse(path).getroot()
    t = int(suite.get("tests", 0))
    f = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    s = int(suite.get("skipped", 0))
    total, failed, skipped = total + t, failed + f, skipped + s
    module = path.split("/target/")[0]
    per_module[module] = per_module.get(module, 0) + t
for module, count in sorted(per_module.items()):
    print(f"  {module}: {count} tests")
print(f"tests: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or total == 0 else 0)
