"""Who heads a subject association (УМО/ШМО), asked by apps that let a head act
for their association (a network event organised by it).

The head is recorded by the associations app (its year plan's «руководитель»),
which sits on the same layer as the apps asking; it fills this registry from its
AppConfig.ready() so neither imports the other.
"""

from apps.core.registry import Registry

# name -> function(staff) returning the ids of the associations the card heads.
ASSOCIATION_HEADS = Registry("association heads")


def associations_headed(staff):
    """The ids of the subject associations `staff` heads, as every registered app says."""
    if staff is None:
        return set()
    found = set()
    for heads in ASSOCIATION_HEADS:
        found.update(heads(staff))
    return found
