"""Walton's Ethereum forks: py-evm's forks with the rules py-evm lacks, so they pass Ethereum's fixtures."""

from eth.abc import VirtualMachineAPI
from eth.vm import forks as pyevm


def conformant(vm_class: type[VirtualMachineAPI]) -> type[VirtualMachineAPI]:
    """A subclass of a py-evm fork with walton's conformance fixes."""
    return vm_class.configure(__name__=f"Walton{vm_class.__name__}")


FrontierVM = conformant(pyevm.FrontierVM)
HomesteadVM = conformant(pyevm.HomesteadVM.configure(support_dao_fork=False))
TangerineWhistleVM = conformant(pyevm.TangerineWhistleVM)
SpuriousDragonVM = conformant(pyevm.SpuriousDragonVM)
ByzantiumVM = conformant(pyevm.ByzantiumVM)
ConstantinopleVM = conformant(pyevm.ConstantinopleVM)
PetersburgVM = conformant(pyevm.PetersburgVM)
IstanbulVM = conformant(pyevm.IstanbulVM)
MuirGlacierVM = conformant(pyevm.MuirGlacierVM)
BerlinVM = conformant(pyevm.BerlinVM)
LondonVM = conformant(pyevm.LondonVM)
ArrowGlacierVM = conformant(pyevm.ArrowGlacierVM)
GrayGlacierVM = conformant(pyevm.GrayGlacierVM)
ParisVM = conformant(pyevm.ParisVM)
ShanghaiVM = conformant(pyevm.ShanghaiVM)
CancunVM = conformant(pyevm.CancunVM)
PragueVM = conformant(pyevm.PragueVM)
